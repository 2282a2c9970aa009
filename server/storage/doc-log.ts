/**
 * The append-only log file of one document. Durability comes from the shared
 * journal (./journal.ts): each round appends this log's queued records to its
 * file with a plain write, the journal's one fdatasync makes them durable, and
 * then each waiter is told which of its sequence numbers are durable. Updates
 * arriving during a round ride on the next one.
 *
 * Compaction (log above the threshold, run by a journal checkpoint): the merged
 * state goes to `<file>.compact`, which is fsynced, renamed over the log, and
 * the directory fsynced. A crash at any point leaves either the old log or the
 * new one, never a mix.
 *
 * @module server/storage/doc-log
 */
import { readSync, writeSync } from 'node:fs'
import { open, rename, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Journal, JournalMember, TakenWrites } from './journal.ts'
import { encodeRecords, scanRecords } from './record.ts'

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
  /** The journal of a crash was written back into the logs at start-up. */
  journalReplayed (records: number): void
}

interface Pending {
  payload: Uint8Array | null
  waiter: DurableWaiter
  seq: number
}

/** One log's share of a journal round. */
interface RoundEntries {
  pending: Pending[]
  payloadCount: number
}

/** Options of one log. */
export interface DocLogOptions {
  docName: string
  path: string
  compactThresholdBytes: number
  journal: Journal
  /** The document's merged state, used when compacting. */
  snapshot: () => Uint8Array
  /** The log now holds only the snapshot, `sizeBytes` long. */
  onCompacted: (sizeBytes: number) => void
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
export class DocLog implements JournalMember {
  private pending: Pending[] = []
  /** Writes taken by a journal round that has not finished. */
  private inRound = 0
  private closed = false

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
    const handle = await open(options.path, 'a+')
    if (created) await fsyncDir(dirname(options.path))
    const log = new DocLog(handle, sizeBytes, options)
    options.journal.join(log)
    return log
  }

  get docName (): string {
    return this.options.docName
  }

  /** Current file length in bytes (records written so far). */
  get bytes (): number {
    return this.sizeBytes
  }

  get wantsCompaction (): boolean {
    return this.sizeBytes > this.options.compactThresholdBytes
  }

  /** True while writes are queued or being flushed: the document must stay loaded. */
  get busy (): boolean {
    return this.pending.length > 0 || this.inRound > 0
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
    this.options.journal.markDirty(this)
  }

  /**
   * Every update the log holds from file offset `fromBytes` on, then those
   * queued but not yet written.
   * @param {number} fromBytes a record boundary
   * @return {{ updates: Uint8Array[], toBytes: number }} `toBytes`: the file offset read up to
   */
  readSince (fromBytes: number): { updates: Uint8Array[], toBytes: number } {
    // A closed log has nothing the document lacks: it was read up to its end before closing, or never needed.
    if (this.closed) return { updates: [], toBytes: fromBytes }
    const length = this.sizeBytes - fromBytes
    const updates: Uint8Array[] = []
    if (length > 0) {
      const buf = Buffer.allocUnsafe(length)
      let done = 0
      while (done < length) {
        const read = readSync(this.handle.fd, buf, done, length - done, fromBytes + done)
        if (read === 0) break
        done += read
      }
      updates.push(...scanRecords(buf.subarray(0, done)).payloads)
    }
    for (const entry of this.pending) if (entry.payload !== null) updates.push(entry.payload)
    return { updates, toBytes: this.sizeBytes }
  }

  take (): TakenWrites {
    const pending = this.pending
    this.pending = []
    this.inRound += pending.length
    const entries: RoundEntries = { pending, payloadCount: 0 }
    const payloads: Uint8Array[] = []
    for (const entry of pending) if (entry.payload !== null) payloads.push(entry.payload)
    entries.payloadCount = payloads.length
    const offset = this.sizeBytes
    if (payloads.length === 0) return { records: null, offset, entries }
    const records = encodeRecords(payloads)
    try {
      // Synchronous: a page-cache write of a few hundred bytes costs less than a thread-pool hop.
      let done = 0
      while (done < records.byteLength) done += writeSync(this.handle.fd, records, done, records.byteLength - done)
    } catch (err) {
      this.abandon({ records, offset, entries }, err as Error)
      throw err
    }
    this.sizeBytes += records.byteLength
    return { records, offset, entries }
  }

  abandon (taken: TakenWrites, err: Error): void {
    const { pending } = taken.entries as RoundEntries
    // A record the journal does not hold must not stay in the file either.
    if (this.sizeBytes > taken.offset) {
      this.sizeBytes = taken.offset
      void this.handle.truncate(taken.offset).catch(() => {})
    }
    this.inRound -= pending.length
    for (const entry of pending) entry.waiter.onStorageFailed(err)
    this.idleCheck()
  }

  commit (taken: TakenWrites): void {
    const { pending } = taken.entries as RoundEntries
    this.inRound -= pending.length
    notifyDurable(pending)
    this.idleCheck()
  }

  async sync (): Promise<void> {
    await this.handle.datasync()
  }

  /** Resolves when everything queued so far is flushed (or failed). */
  async drain (): Promise<void> {
    for (let i = 0; i < 1_000_000 && this.busy; i++) {
      this.options.journal.hurry()
      await this.options.journal.settled()
      if (this.busy) await new Promise(resolve => setImmediate(resolve))
    }
  }

  /** Flushes what is queued, syncs the file when the journal holds its records, then closes it. */
  async close (): Promise<void> {
    await this.drain()
    await this.options.journal.exclusive(async () => {
      if (this.options.journal.retire(this)) await this.handle.datasync()
      this.closed = true
      await this.handle.close()
    })
  }

  async compact (): Promise<void> {
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
    this.handle = await open(this.options.path, 'a+')
    this.sizeBytes = buf.byteLength
    await old.close()
    this.options.onCompacted(this.sizeBytes)
    this.options.observer.compacted(this.options.docName, before, this.sizeBytes)
  }

  private idleCheck (): void {
    if (!this.busy) this.options.onIdle()
  }
}

/** One ack per waiter per round: the highest durable sequence number. */
const notifyDurable = (batch: Pending[]): void => {
  if (batch.length === 1) {
    batch[0].waiter.onDurable(batch[0].seq)
    return
  }
  const highest = new Map<DurableWaiter, number>()
  for (const entry of batch) {
    const seen = highest.get(entry.waiter)
    if (seen === undefined || entry.seq > seen) highest.set(entry.waiter, entry.seq)
  }
  for (const [waiter, seq] of highest) waiter.onDurable(seq)
}
