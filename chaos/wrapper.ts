/**
 * ToxicWrapper: the shared metadata of one added toxic (name, type, stream,
 * toxicity, target clients) and the per-connection decision whether the real
 * toxic or a noop runs.
 *
 * @module chaos/wrapper
 */
import { createToxic, NoopToxic, type Toxic } from './toxic.ts'
import type { ToxicSpec } from './spec.ts'

export class ToxicWrapper {
  private readonly clients: ReadonlySet<string> | null

  /** @param {ToxicSpec} spec a validated spec */
  constructor (readonly spec: ToxicSpec, private readonly random: () => number = Math.random) {
    this.clients = spec.clients === undefined ? null : new Set(spec.clients)
  }

  /** Whether the toxic targets a connection from `clientId` (null = the client did not say). */
  targets (clientId: string | null): boolean {
    return this.clients === null || (clientId !== null && this.clients.has(clientId))
  }

  /** The toxic for one direction of one connection: the real one if targeted and the toxicity draw hits, else a noop. */
  instantiate (clientId: string | null): Toxic {
    if (!this.targets(clientId) || this.random() >= this.spec.toxicity) return new NoopToxic()
    return createToxic(this.spec)
  }
}
