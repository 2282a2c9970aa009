/**
 * The toxic model, after Toxiproxy (`toxics/toxic.go`).
 *
 * A {@link Toxic} has one method, `pipe(stub)`: it moves chunks from
 * `stub.read()` to `stub.write()` until the input ends or the stub is
 * interrupted, then returns. Whatever it already took from the input it must
 * write before returning, or keep and hand over with `release` (a
 * {@link HoldingToxic}), which is what lets a {@link ToxicLink} swap toxics in
 * and out without losing bytes.
 *
 * A toxic instance serves one direction of one connection, so it may keep state.
 * Toxic types register themselves by name with {@link registerToxic}.
 *
 * @module chaos/toxic
 */
import { z } from 'zod'
import type { ReadResult } from './channel.ts'

/** 'upstream' = client → server, 'downstream' = server → client. */
export const streamSchema = z.enum(['upstream', 'downstream'])
export type Stream = z.infer<typeof streamSchema>

/** A replica's id as sent in the `clientId` query parameter. */
export const clientIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'a client id must be 1-128 letters, digits or _ . : -')

/** What a toxic sees of its place in the link. */
export interface ToxicStub {
  /** Next input chunk, `'end'` when the input is closed, `'interrupted'` when the link wants the stage back. */
  read: () => Promise<ReadResult>
  /** Forwards bytes; waits (interruptibly) while the next stage holds more than its bound. Never drops. */
  write: (data: Buffer) => Promise<void>
  /** Sleeps; resolves false early if interrupted. */
  sleep: (ms: number) => Promise<boolean>
  /** True once the link has asked this stage to stop. */
  readonly interrupted: boolean
  /** Resets the connection: an RST to the client and to the server. */
  reset: () => void
}

/** A fault applied to one direction of one connection. */
export interface Toxic {
  /**
   * Runs until the input ends or the stub is interrupted; must write every chunk it took
   * (or, as a {@link HoldingToxic}, keep it for `release`).
   * @param {ToxicStub} stub
   */
  pipe: (stub: ToxicStub) => Promise<void>
}

/**
 * A toxic that keeps what it read across interrupts (blackhole: TCP holding
 * bytes through an outage). Re-wiring leaves the hold in place; removing the
 * toxic hands it to the link, which delivers it before anything newer.
 */
export interface HoldingToxic extends Toxic {
  /** Hands over every held chunk, oldest first, and forgets them. */
  release: () => Buffer[]
}

/** @param {Toxic} toxic */
export const isHolding = (toxic: Toxic): toxic is HoldingToxic => typeof (toxic as Partial<HoldingToxic>).release === 'function'

/** Builds a toxic from its (already validated) attributes. */
export type ToxicFactory = (attributes: unknown) => Toxic

const registry = new Map<string, ToxicFactory>()

/**
 * Registers a toxic type. Each toxic module calls this once at import.
 * @param {string} type e.g. 'latency'
 * @param {ToxicFactory} factory
 */
export const registerToxic = (type: string, factory: ToxicFactory): void => {
  if (registry.has(type)) throw new Error(`Toxic type "${type}" is already registered.`)
  registry.set(type, factory)
}

/**
 * Builds a toxic of a registered type.
 * @param {{ type: string, attributes: unknown }} spec
 */
export const createToxic = (spec: { type: string, attributes: unknown }): Toxic => {
  const factory = registry.get(spec.type)
  if (factory === undefined) throw new Error(`Unknown toxic type "${spec.type}"; use one of ${[...registry.keys()].join(', ')}.`)
  return factory(spec.attributes)
}

/** Forwards every chunk unchanged; the first stage of every link and the stand-in for a toxic that does not apply. */
export class NoopToxic implements Toxic {
  async pipe (stub: ToxicStub): Promise<void> {
    for (;;) {
      const chunk = await stub.read()
      if (typeof chunk === 'string') return
      await stub.write(chunk.data)
    }
  }
}

/**
 * Forwards every chunk in slices, pausing after each: the shared loop of the
 * slicing toxics (bandwidth, slicer). On interrupt the unsent rest of the
 * current chunk is written at once, so swapping the toxic loses no bytes.
 *
 * @param {ToxicStub} stub
 * @param {() => number} nextSliceBytes size of the next slice (≥ 1)
 * @param {(sliceBytes: number, restBytes: number) => number} pauseMs pause after a slice; 0 for none
 */
export const pipeInSlices = async (stub: ToxicStub, nextSliceBytes: () => number, pauseMs: (sliceBytes: number, restBytes: number) => number): Promise<void> => {
  for (;;) {
    const chunk = await stub.read()
    if (typeof chunk === 'string') return
    let rest = chunk.data
    while (rest.length > 0) {
      if (stub.interrupted) {
        await stub.write(rest)
        return
      }
      const slice = rest.subarray(0, nextSliceBytes())
      rest = rest.subarray(slice.length)
      await stub.write(slice)
      const pause = pauseMs(slice.length, rest.length)
      if (pause > 0) await stub.sleep(pause)
    }
    if (stub.interrupted) return
  }
}
