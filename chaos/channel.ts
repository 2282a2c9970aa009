/**
 * A bounded, single-consumer queue of byte chunks between two stages of a
 * {@link ToxicLink}. `push` never drops: it reports whether the queue is over
 * its high-water mark so the producer can stop (pause its socket or await
 * `waitForRoom`). Reads and waits can be interrupted by an AbortSignal without
 * losing a chunk, because a chunk is only handed over to a still-registered reader.
 *
 * @module chaos/channel
 */

/** A chunk with the time it entered the channel (latency is measured from there). */
export interface Chunk {
  data: Buffer
  arrivedAtMs: number
}

/** What `read` returns: a chunk, `'end'` once the channel is closed and empty, or `'interrupted'`. */
export type ReadResult = Chunk | 'end' | 'interrupted'

/** Default high-water mark per stage: at most ~1 MiB (plus one chunk) waits in any one queue. */
export const defaultHighWaterMarkBytes = 1024 * 1024

export class Channel {
  private readonly queue: Chunk[] = []
  private queuedBytes = 0
  private closedFlag = false
  private reader: ((result: ReadResult) => void) | null = null
  private roomWaiters: Array<() => void> = []

  /** @param {number} highWaterMarkBytes queue size above which `push` returns false */
  constructor (readonly highWaterMarkBytes = defaultHighWaterMarkBytes) {}

  get closed (): boolean { return this.closedFlag }

  /**
   * Appends a chunk (or hands it straight to a waiting reader).
   * @return {boolean} false when the queue is over its high-water mark: the producer should wait
   */
  push (data: Buffer): boolean {
    if (this.closedFlag) throw new Error('Cannot push into a closed channel.')
    const chunk = { data, arrivedAtMs: performance.now() }
    const reader = this.reader
    if (reader !== null) {
      this.reader = null
      reader(chunk)
      return true
    }
    this.queue.push(chunk)
    this.queuedBytes += data.length
    return this.queuedBytes <= this.highWaterMarkBytes
  }

  /** Marks the end of data; a reader gets `'end'` after the queued chunks. */
  close (): void {
    if (this.closedFlag) return
    this.closedFlag = true
    this.releaseRoomWaiters()
    const reader = this.reader
    if (reader !== null && this.queue.length === 0) {
      this.reader = null
      reader('end')
    }
  }

  /**
   * Takes the next chunk. Only one read may be pending at a time.
   * @param {AbortSignal} [signal] resolves the read with `'interrupted'` when aborted
   */
  read (signal?: AbortSignal): Promise<ReadResult> {
    if (this.queue.length > 0) return Promise.resolve(this.shift())
    if (this.closedFlag) return Promise.resolve('end')
    if (signal?.aborted === true) return Promise.resolve('interrupted')
    return new Promise(resolve => {
      const onAbort = (): void => {
        if (this.reader === deliver) this.reader = null
        resolve('interrupted')
      }
      const deliver = (result: ReadResult): void => {
        signal?.removeEventListener('abort', onAbort)
        resolve(result)
      }
      this.reader = deliver
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Removes and returns every queued chunk (used when a stage is taken out of a link). */
  takeAll (): Buffer[] {
    const all = this.queue.splice(0).map(c => c.data)
    this.queuedBytes = 0
    this.releaseRoomWaiters()
    return all
  }

  /**
   * Resolves once the queue is at or below its high-water mark, the channel is
   * closed, or `signal` aborts.
   */
  waitForRoom (signal?: AbortSignal): Promise<void> {
    if (this.queuedBytes <= this.highWaterMarkBytes || this.closedFlag || signal?.aborted === true) return Promise.resolve()
    return new Promise(resolve => {
      const done = (): void => {
        signal?.removeEventListener('abort', done)
        this.roomWaiters = this.roomWaiters.filter(w => w !== done)
        resolve()
      }
      this.roomWaiters.push(done)
      signal?.addEventListener('abort', done, { once: true })
    })
  }

  private shift (): Chunk {
    const chunk = this.queue.shift() as Chunk
    this.queuedBytes -= chunk.data.length
    if (this.queuedBytes <= this.highWaterMarkBytes) this.releaseRoomWaiters()
    return chunk
  }

  private releaseRoomWaiters (): void {
    for (const waiter of this.roomWaiters.splice(0)) waiter()
  }
}
