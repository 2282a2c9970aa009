/**
 * ToxicLink: one direction of one proxied connection, after Toxiproxy's
 * `link.go`. Bytes flow
 *
 *   source socket → channel₀ → [noop] → channel₁ → [toxic A] → … → output channel → destination socket
 *
 * The chain starts with a noop stage. Adding a toxic interrupts the last stage,
 * points it at a fresh channel and starts the new stage between that channel
 * and the output; removing one interrupts it and its predecessor, moves what
 * it held (a {@link HoldingToxic}: a blackhole's hold) and then what was queued
 * in front of it to its output (after what it already wrote, so order holds)
 * and reconnects the predecessor. A toxic returns from `pipe` only after
 * writing what it took, or keeps it for `release`, so swaps lose and reorder nothing.
 *
 * Backpressure: every channel is bounded by `highWaterMarkBytes` (1 MiB by
 * default). A stage's `write` waits while the next channel is over the bound,
 * the source socket is paused while channel₀ is over it, and the destination
 * writer waits for the socket's 'drain' when `write()` returns false. So at
 * most about one bound (plus one chunk) is buffered per stage.
 *
 * @module chaos/link
 */
import type { Socket } from 'node:net'
import { Channel, defaultHighWaterMarkBytes } from './channel.ts'
import { isHolding, NoopToxic, type HoldingToxic, type Stream, type Toxic, type ToxicStub } from './toxic.ts'

interface Stage {
  name: string
  toxic: Toxic
  input: Channel
  output: Channel
  controller: AbortController
  running: Promise<void> | null
  /** The pipe returned because its input ended; its output is closed. */
  done: boolean
}

/** Hooks the link needs from its connection. */
export interface LinkHooks {
  /** Resets the whole connection (reset_peer). */
  reset: () => void
  /** Called for every chunk written to the destination. */
  onForwarded: (bytes: number) => void
  /** Called when a toxic throws (a bug): the connection should be closed. */
  onError: (error: unknown) => void
}

const sleep = (ms: number, signal: AbortSignal): Promise<boolean> => {
  if (signal.aborted) return Promise.resolve(false)
  return new Promise(resolve => {
    // An infinite sleep only ends on interrupt (setTimeout would treat Infinity as 1 ms).
    const timer = Number.isFinite(ms) ? setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(true) }, Math.max(0, ms)) : null
    const onAbort = (): void => {
      if (timer !== null) clearTimeout(timer)
      resolve(false)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

export class ToxicLink {
  readonly input: Channel
  private readonly output: Channel
  private readonly stages: Stage[] = []
  /** Adds and removes run one at a time. */
  private queue: Promise<void> = Promise.resolve()
  private closed = false

  /**
   * @param {Stream} stream which direction this link carries
   * @param {Array<{ name: string, toxic: Toxic }>} toxics initial toxics, in order
   */
  constructor (
    readonly stream: Stream,
    toxics: Array<{ name: string, toxic: Toxic }>,
    private readonly hooks: LinkHooks,
    private readonly highWaterMarkBytes = defaultHighWaterMarkBytes
  ) {
    this.input = new Channel(highWaterMarkBytes)
    this.output = new Channel(highWaterMarkBytes)
    let input = this.input
    for (const { name, toxic } of [{ name: 'noop', toxic: new NoopToxic() }, ...toxics]) {
      const output = new Channel(highWaterMarkBytes)
      this.stages.push({ name, toxic, input, output, controller: new AbortController(), running: null, done: false })
      input = output
    }
    this.stages[this.stages.length - 1].output = this.output
  }

  /**
   * Starts moving bytes from `source` to `destination`. The source is paused
   * while channel₀ is over its bound; the destination is ended when the stream ends.
   */
  start (source: Socket, destination: Socket, firstBytes: Buffer | null): void {
    for (const stage of this.stages) this.run(stage)
    if (firstBytes !== null && firstBytes.length > 0) this.pushFromSource(source, firstBytes)
    source.on('data', (data: Buffer) => this.pushFromSource(source, data))
    source.on('end', () => { if (!this.input.closed) this.input.close() })
    void this.writeTo(destination)
  }

  private pushFromSource (source: Socket, data: Buffer): void {
    if (this.input.closed) return
    if (!this.input.push(data)) {
      source.pause()
      void this.input.waitForRoom().then(() => { if (!source.destroyed) source.resume() })
    }
  }

  private async writeTo (destination: Socket): Promise<void> {
    for (;;) {
      const chunk = await this.output.read()
      if (chunk === 'interrupted') continue
      if (chunk === 'end' || destination.destroyed) {
        if (chunk === 'end' && !destination.destroyed) destination.end()
        return
      }
      this.hooks.onForwarded(chunk.data.length)
      if (!destination.write(chunk.data) && !destination.destroyed) {
        await new Promise<void>(resolve => {
          const done = (): void => {
            destination.off('drain', done)
            destination.off('close', done)
            resolve()
          }
          destination.on('drain', done)
          destination.on('close', done)
        })
      }
    }
  }

  private stubFor (stage: Stage): ToxicStub {
    const signal = stage.controller.signal
    return {
      read: () => stage.input.read(signal),
      write: async (data: Buffer) => {
        // Read the output at call time: a removal may have reconnected this stage.
        const output = stage.output
        if (output.closed) return
        if (!output.push(data)) await output.waitForRoom(signal)
      },
      sleep: (ms: number) => sleep(ms, signal),
      get interrupted () { return signal.aborted },
      reset: () => this.hooks.reset()
    }
  }

  private run (stage: Stage): void {
    stage.controller = new AbortController()
    const signal = stage.controller.signal
    stage.running = stage.toxic.pipe(this.stubFor(stage)).then(() => {
      if (signal.aborted) return
      stage.done = true
      stage.output.close()
    }, (error: unknown) => {
      stage.done = true
      this.hooks.onError(error)
    })
  }

  private async interrupt (stage: Stage): Promise<void> {
    stage.controller.abort()
    await stage.running
  }

  private serial (op: () => Promise<void>): Promise<void> {
    const next = this.queue.then(async () => { if (!this.closed) await op() })
    this.queue = next.catch(() => {})
    return next
  }

  /**
   * Appends a toxic at the end of the chain while data flows.
   * @param {string} name unique within the link
   * @param {Toxic} toxic
   */
  add (name: string, toxic: Toxic): Promise<void> {
    return this.serial(async () => {
      const last = this.stages[this.stages.length - 1]
      const stage: Stage = { name, toxic, input: new Channel(this.highWaterMarkBytes), output: this.output, controller: new AbortController(), running: null, done: false }
      this.stages.push(stage)
      if (last.done) {
        // The stream already ended: nothing will flow through the new stage.
        stage.input.close()
        stage.done = true
        return
      }
      await this.interrupt(last)
      if (this.closed) return
      last.output = stage.input
      this.run(last)
      this.run(stage)
    })
  }

  /**
   * Takes a toxic out of the chain without losing or reordering bytes it had queued.
   * @param {string} name
   */
  remove (name: string): Promise<void> {
    return this.serial(async () => {
      const index = this.stages.findIndex((s, i) => i > 0 && s.name === name)
      if (index < 0) return
      const stage = this.stages[index]
      const previous = this.stages[index - 1]
      if (!previous.done) await this.interrupt(previous)
      if (!stage.done) await this.interrupt(stage)
      this.stages.splice(index, 1)
      if (stage.done || this.closed) return
      // What it held, then what waits in front of it: both came after everything it wrote.
      const held = isHolding(stage.toxic) ? stage.toxic.release() : []
      for (const data of [...held, ...stage.input.takeAll()]) stage.output.push(data)
      if (stage.input.closed) stage.output.close()
      previous.output = stage.output
      if (!previous.done) this.run(previous)
    })
  }

  /**
   * Stops every stage and timer; queued bytes are dropped (the connection is
   * going away, so destroy its sockets first: the writer then stops too).
   */
  async close (): Promise<void> {
    this.closed = true
    for (const stage of this.stages) stage.controller.abort()
    if (!this.output.closed) this.output.close()
    this.output.takeAll()
    await Promise.all(this.stages.map(s => s.running))
  }
}
