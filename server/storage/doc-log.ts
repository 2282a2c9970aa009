/**
 * The append-only log file of one document, with group commit and compaction.
 *
 * Appends queue in memory. One flush loop per document takes everything that
 * queued up, writes it with one write and one fdatasync, then tells each waiter
 * which of its sequence numbers are durable. Updates arriving during a flush
 * ride on the next one, so the fsync cost is shared.
 *
 * Compaction (log above the threshold): the merged state goes to `<file>.compact`,
 * which is fsynced, renamed over the log, and the directory fsynced. A crash at
 * any point leaves either the old log or the new one, never a mix.
 *
 * @module server/storage/doc-log
 */
import { open, rename, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { encodeRecords } from './record.ts'

/** Who gets told that its writes are durable (a connection). */
export interface DurableWaiter {
  /** All writes up to and including `seq` are on disk. */
  onDurable (seq: number): void
  /** The flush holding this waiter's write failed; nothing is acked. */
  onStorageFailed (err: Error): void
}

/** Storage events, for metrics and logs. */
export interface StorageObserver {
  flushed (records: number, bytes: number, seconds: number): void
  corruptTail (docName: string, problem: string, droppedBytes: number): void
  compacted (docName: string, beforeBytes: number, afterBytes: number): void
  failed (docName: string, err: Error): void
}

interface Pending {
  payload: Uint8Array | null
  waiter: DurableWaiter
  seq: number
}

/** Options of one log. */
export interface DocLogOptions {
  docName: string
  path: string
  compactThresholdBytes: number
  /** The document's merged state, used when compacting. */
  snapshot: () => Uint8Array
  observer: StorageObserver
  /** Called when the log has nothing queued or in flight. */
  onIdle: () => void
}

/**
 * Fsyncs a directory so that a created or renamed entry survives a crash.
 * @param {string} dir
 */
export const fsyncDir = async (dir: string): Promise<void> => {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

const writeAll = async (handle: FileHandle, buf: Buffer): Promise<void> => {
  let offset = 0
  while (offset < buf.byteLength) {
    const { bytesWritten } = await handle.write(buf, offset, buf.byteLength - offset)
    offset += bytesWritten
  }
}

/** One document's log file. Use `DocLog.open`; call `close()` when done. */
export class DocLog {
  private pending: Pending[] = []
  private flushing: Promise<void> | null = null
  private scheduled = false

  private constructor (
    private handle: FileHandle,
    private sizeBytes: number,
    private readonly options: DocLogOptions
  ) {}

  /**
   * Opens (or creates) the log for appending.
   * @param {DocLogOptions} options
   * @param {number} sizeBytes current valid length of the file
   * @param {boolean} created the file is new: its directory entry is fsynced
   */
  static async open (options: DocLogOptions, sizeBytes: number, created: boolean): Promise<DocLog> {
    const handle = await open(options.path, 'a')
    if (created) await fsyncDir(dirname(options.path))
    return new DocLog(handle, sizeBytes, options)
  }

  /** Current file length in bytes (flushed records only). */
  get bytes (): number {
    return this.sizeBytes
  }

  /** True while writes are queued or being flushed: the document must stay loaded. */
  get busy (): boolean {
    return this.pending.length > 0 || this.flushing !== null || this.scheduled
  }

  /**
   * Queues one write. `payload` null means "nothing to write, ack after the
   * writes queued before it", used for no-op updates.
   * @param {Uint8Array|null} payload a Yjs update, kept by reference until flushed: pass a
   *   buffer of its own, not a view into a socket chunk (that would keep the chunk alive)
   * @param {DurableWaiter} waiter
   * @param {number} seq the waiter's sequence number of this write
   */
  append (payload: Uint8Array | null, waiter: DurableWaiter, seq: number): void {
    this.pending.push({ payload, waiter, seq })
    if (this.flushing === null && !this.scheduled) {
      // setImmediate lets every message read in this I/O phase join the first flush.
      this.scheduled = true
      setImmediate(() => {
        this.scheduled = false
        this.flushing = this.flushLoop()
      })
    }
  }

  /** Resolves when everything queued so far is flushed (or failed). */
  async drain (): Promise<void> {
    for (let i = 0; i < 1_000_000 && this.busy; i++) {
      if (this.flushing !== null) await this.flushing
      else await new Promise(resolve => setImmediate(resolve))
    }
  }

  /** Flushes what is queued, then closes the file. */
  async close (): Promise<void> {
    await this.drain()
    await this.handle.close()
  }

  private async flushLoop (): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending
      this.pending = []
      try {
        await this.writeBatch(batch)
      } catch (err) {
        this.options.observer.failed(this.options.docName, err as Error)
        for (const entry of batch) entry.waiter.onStorageFailed(err as Error)
        continue
      }
      notifyDurable(batch)
      if (this.sizeBytes > this.options.compactThresholdBytes) {
        try {
          await this.compact()
        } catch (err) {
          this.options.observer.failed(this.options.docName, err as Error)
        }
      }
    }
    this.flushing = null
    this.options.onIdle()
  }

  private async writeBatch (batch: Pending[]): Promise<void> {
    const payloads: Uint8Array[] = []
    for (const entry of batch) if (entry.payload !== null) payloads.push(entry.payload)
    if (payloads.length === 0) return
    const startNs = process.hrtime.bigint()
    const buf = encodeRecords(payloads)
    try {
      await writeAll(this.handle, buf)
      await this.handle.datasync()
    } catch (err) {
      // A partial write would hide every later record behind a torn one: cut it off.
      await this.handle.truncate(this.sizeBytes).catch(() => {})
      throw err
    }
    this.sizeBytes += buf.byteLength
    this.options.observer.flushed(payloads.length, buf.byteLength, Number(process.hrtime.bigint() - startNs) / 1e9)
  }

  private async compact (): Promise<void> {
    const before = this.sizeBytes
    const buf = encodeRecords([this.options.snapshot()])
    const tmpPath = `${this.options.path}.compact`
    const tmp = await open(tmpPath, 'w')
    try {
      await writeAll(tmp, buf)
      await tmp.sync()
    } finally {
      await tmp.close()
    }
    await rename(tmpPath, this.options.path)
    await fsyncDir(dirname(this.options.path))
    const old = this.handle
    this.handle = await open(this.options.path, 'a')
    this.sizeBytes = buf.byteLength
    await old.close()
    this.options.observer.compacted(this.options.docName, before, this.sizeBytes)
  }
}

/** One ack per waiter per flush: the highest durable sequence number. */
const notifyDurable = (batch: Pending[]): void => {
  const highest = new Map<DurableWaiter, number>()
  for (const entry of batch) {
    const seen = highest.get(entry.waiter)
    if (seen === undefined || entry.seq > seen) highest.set(entry.waiter, entry.seq)
  }
  for (const [waiter, seq] of highest) waiter.onDurable(seq)
}
