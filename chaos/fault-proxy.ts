/**
 * FaultProxy: what fixtures need from a fault-injecting TCP proxy, implemented
 * by the built-in {@link ChaosProxy} and by the Toxiproxy adapter.
 *
 * @module chaos/fault-proxy
 */
import type { ToxicSpec, ToxicSpecInput } from './spec.ts'

export interface FaultProxyStartOptions {
  /** Defaults to 127.0.0.1; must be loopback. */
  listenHost?: string
  /** 0 (default) picks a free port. */
  listenPort?: number
  /** The real server; must be loopback. */
  upstream: { host: string, port: number }
}

export interface FaultProxy {
  /** Starts listening; resolves with the port clients should use. */
  start: (options: FaultProxyStartOptions) => Promise<{ port: number }>
  /** Adds a toxic (also to open connections it targets); resolves with the spec as stored. */
  addToxic: (spec: ToxicSpecInput) => Promise<ToxicSpec>
  /**
   * Removes a toxic by name. The built-in proxy loses no bytes (a blackhole
   * delivers its hold); Toxiproxy closes the connections its blackhole dropped bytes of.
   */
  removeToxic: (name: string) => Promise<void>
  listToxics: () => Promise<ToxicSpec[]>
  /** Down refuses new connections; `cutExisting` (default true) also resets open ones. */
  setDown: (down: boolean, options?: { cutExisting?: boolean }) => Promise<void>
  /** Resets every open connection (clients see ECONNRESET). */
  resetAll: () => Promise<void>
  /** Closes everything. */
  stop: () => Promise<void>
}
