/**
 * The shared write-ahead journal: one fdatasync makes a whole round of writes,
 * across every document, durable.
 *
 * A per-document fdatasync costs 60-160 µs of CPU here whatever the file, so
 * syncing 500 document logs per round costs more than relaying their updates.
 * Each round instead:
 *   1. appends each dirty document's records to its own log (a plain write, no sync);
 *   2. appends one journal record per document, holding the same bytes and the
 *      offset they went to, and fdatasyncs the journal once;
 *   3. tells every waiter of the round that its writes are durable.
 * Rounds start at most every `groupCommitMs`, so the fsync rate stays bounded
 * whatever the update rate.
 *
 * Journal file `journal.wal`: records as in ./record.ts, each payload being
 *
 *   [nameBytes : u16 LE][docName : UTF-8][offset : f64 LE][document log bytes]
 *
 * A checkpoint (journal past `checkpointBytes`, a document log past its
 * compaction threshold, or close) fdatasyncs every document log written since
 * the last one, then empties the journal, then compacts the logs that are too
 * large: a compacted log is synced by itself, and no journal record points into
 * the file it replaced. After a crash, `replayJournal` writes every journal
 * record back at its offset (idempotent), syncs those logs and empties the journal.
 *
 * Rounds, checkpoints and closing a log run one at a time, in one lane.
 *
 * @module server/storage/journal
 */
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { encodeRecords, scanRecords } from './record.ts'

/** File name of the journal inside the data directory. */
export const journalFileName = 'journal.wal'

/** A document log as the journal sees it (implemented by DocLog). */
export interface JournalMember {
  readonly docName: string
  /** Bytes of the log file. */
  readonly bytes: number
  /** True when the log is past its compaction threshold. */
  readonly wantsCompaction: boolean
  /** Moves the queued writes into this round and appends their records to the log file. */
  take (): TakenWrites
  /** The round's journal write failed: cut the log back and fail the round's waiters. */
  abandon (taken: TakenWrites, err: Error): void
  /** The round is durable: ack its waiters. */
  commit (taken: TakenWrites): void
  /** fdatasync of the log file (checkpoint). */
  sync (): Promise<void>
  /** Rewrites the log as one snapshot record (checkpoint, after the journal is emptied). */
  compact (): Promise<void>
}

/** What one log contributed to a round. */
export interface TakenWrites {
  /** Records appended to the log file, or null when the round holds only no-op writes. */
  records: Buffer | null
  /** Where in the log file they start. */
  offset: number
  /** Opaque to the journal. */
  readonly entries: unknown
}

/** Round and checkpoint events, for metrics and logs. */
export interface JournalObserver {
  /** One journal fdatasync that made `records` document records durable. */
  flushed (records: number, bytes: number, seconds: number): void
  failed (docName: string, err: Error): void
}

/** Options of the journal. */
export interface JournalOptions {
  dataDir: string
  /** Minimum time between the starts of two rounds. */
  groupCommitMs: number
  /** Journal size that triggers a checkpoint. */
  checkpointBytes: number
  observer: JournalObserver
}

const nameHeaderBytes = 2
const offsetBytes = 8

/** Opens a log for positioned writes (not O_APPEND: Linux appends there whatever the position). */
const openLogForReplay = (path: string): number => {
  try {
    return openSync(path, 'r+')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return openSync(path, 'w+')
    throw err
  }
}

const writeFully = (fd: number, buf: Uint8Array, position: number | null): void => {
  let done = 0
  while (done < buf.byteLength) done += writeSync(fd, buf, done, buf.byteLength - done, position === null ? null : position + done)
}

/**
 * Replays a journal left by a crash into the document logs, syncs them and
 * empties the journal. Call before any log is opened.
 * @param {string} dataDir
 * @param {(docName: string) => string} pathOf the log path of a document
 * @return {number} journal records replayed
 */
export const replayJournal = (dataDir: string, pathOf: (docName: string) => string): number => {
  const journalPath = join(dataDir, journalFileName)
  let data: Buffer
  try {
    data = readFileSync(journalPath)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw err
  }
  // A torn tail is a round that was never acknowledged.
  const { payloads } = scanRecords(data)
  const fds = new Map<string, number>()
  try {
    for (const payload of payloads) {
      const view = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
      const nameBytes = view.readUInt16LE(0)
      const docName = view.toString('utf8', nameHeaderBytes, nameHeaderBytes + nameBytes)
      const offset = view.readDoubleLE(nameHeaderBytes + nameBytes)
      const bytes = view.subarray(nameHeaderBytes + nameBytes + offsetBytes)
      let fd = fds.get(docName)
      if (fd === undefined) {
        fd = openLogForReplay(pathOf(docName))
        fds.set(docName, fd)
      }
      // Earlier records fill the file in order; a gap would read as empty records, so never make one.
      if (offset > fstatSync(fd).size) continue
      writeFully(fd, bytes, offset)
    }
    for (const fd of fds.values()) fdatasyncSync(fd)
  } finally {
    for (const fd of fds.values()) closeSync(fd)
  }
  const fd = openSync(journalPath, 'r+')
  try {
    // ftruncate, not a new file: the directory entry stays as it was synced.
    ftruncateSync(fd, 0)
    fdatasyncSync(fd)
  } finally {
    closeSync(fd)
  }
  return payloads.length
}

/** The journal of one document store. Use `Journal.open`; `close()` checkpoints. */
export class Journal {
  /** Open logs. */
  private readonly members = new Set<JournalMember>()
  private readonly dirty = new Set<JournalMember>()
  /** Logs written since the last checkpoint: their files are not synced yet. */
  private readonly unsynced = new Set<JournalMember>()
  private lane: Promise<void> = Promise.resolve()
  private roundQueued = false
  private roundTimer: NodeJS.Timeout | null = null
  private lastRoundAtMs = 0
  private sizeBytes = 0
  private closed = false

  private constructor (private readonly handle: FileHandle, private readonly options: JournalOptions) {}

  /**
   * Opens (creating) the journal for appending; replay it first (`replayJournal`).
   * @param {JournalOptions} options
   */
  static async open (options: JournalOptions): Promise<Journal> {
    const handle = await open(join(options.dataDir, journalFileName), 'a')
    const journal = new Journal(handle, options)
    journal.sizeBytes = (await handle.stat()).size
    return journal
  }

  /** A log was opened. */
  join (member: JournalMember): void {
    this.members.add(member)
  }

  /** A log has queued writes: it joins the next round. */
  markDirty (member: JournalMember): void {
    this.dirty.add(member)
    if (this.roundQueued || this.closed) return
    this.roundQueued = true
    const delayMs = this.lastRoundAtMs + this.options.groupCommitMs - Date.now()
    const enqueue = (): void => {
      this.roundTimer = null
      void this.run(() => this.round())
    }
    // setImmediate lets every message read in this I/O phase join the round.
    if (delayMs <= 0) setImmediate(enqueue)
    else this.roundTimer = setTimeout(enqueue, delayMs)
  }

  /** Starts the queued round now instead of waiting for the pacing timer. */
  hurry (): void {
    if (this.roundTimer === null) return
    clearTimeout(this.roundTimer)
    this.roundTimer = null
    void this.run(() => this.round())
  }

  /** Resolves when everything already in the lane has run. */
  async settled (): Promise<void> {
    await this.lane
  }

  /**
   * Runs `fn` in the lane, after any round or checkpoint in progress; used to
   * close a log while nothing else touches it.
   */
  async exclusive<T> (fn: () => Promise<T>): Promise<T> {
    return this.run(fn)
  }

  /**
   * Forgets a log that is being closed (call inside `exclusive`, with nothing queued).
   * @return {boolean} true when its file holds records the journal made durable: sync it before closing
   */
  retire (member: JournalMember): boolean {
    this.members.delete(member)
    this.dirty.delete(member)
    return this.unsynced.delete(member)
  }

  /** Flushes the last round, checkpoints and closes the journal file. */
  async close (): Promise<void> {
    this.hurry()
    await this.lane
    this.closed = true
    await this.run(() => this.checkpoint())
    await this.handle.close()
  }

  private async run<T> (fn: () => Promise<T>): Promise<T> {
    const result = this.lane.then(fn)
    this.lane = result.then(() => {}, () => {})
    return result
  }

  private async round (): Promise<void> {
    this.roundQueued = false
    this.lastRoundAtMs = Date.now()
    const members = [...this.dirty]
    this.dirty.clear()
    const taken: Array<[JournalMember, TakenWrites]> = []
    const parts: Buffer[] = []
    let records = 0
    for (const member of members) {
      let writes: TakenWrites
      try {
        writes = member.take()
      } catch (err) {
        this.options.observer.failed(member.docName, err as Error)
        continue
      }
      taken.push([member, writes])
      if (writes.records === null) continue
      records += (writes.entries as { payloadCount: number }).payloadCount
      parts.push(journalPayload(member.docName, writes.offset, writes.records))
      this.unsynced.add(member)
    }
    if (parts.length > 0) {
      const startNs = process.hrtime.bigint()
      const buf = encodeRecords(parts)
      try {
        let done = 0
        while (done < buf.byteLength) done += (await this.handle.write(buf, done, buf.byteLength - done)).bytesWritten
        await this.handle.datasync()
      } catch (err) {
        // A torn journal record is dropped on replay; cut it off so later rounds stay readable.
        await this.handle.truncate(this.sizeBytes).catch(() => {})
        for (const [member, writes] of taken) {
          this.options.observer.failed(member.docName, err as Error)
          member.abandon(writes, err as Error)
        }
        return
      }
      this.sizeBytes += buf.byteLength
      this.options.observer.flushed(records, buf.byteLength, Number(process.hrtime.bigint() - startNs) / 1e9)
    }
    for (const [member, writes] of taken) member.commit(writes)
    if (this.sizeBytes > this.options.checkpointBytes || taken.some(([m]) => m.wantsCompaction)) {
      void this.run(() => this.checkpoint())
    }
  }

  private async checkpoint (): Promise<void> {
    const members = [...this.unsynced]
    const results = await Promise.allSettled(members.map(m => m.sync()))
    let allSynced = true
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') this.unsynced.delete(members[i])
      else {
        allSynced = false
        this.options.observer.failed(members[i].docName, result.reason as Error)
      }
    })
    // Only when every log holds its records durably may the journal forget them.
    if (!allSynced) return
    await this.handle.truncate(0)
    await this.handle.datasync()
    this.sizeBytes = 0
    for (const member of this.members) {
      if (!member.wantsCompaction) continue
      try {
        await member.compact()
      } catch (err) {
        this.options.observer.failed(member.docName, err as Error)
      }
    }
  }
}

/**
 * One journal record's payload: document log bytes and where they go.
 * @param {string} docName
 * @param {number} offset byte offset in the document's log
 * @param {Uint8Array} records document log records (./record.ts)
 */
export const journalPayload = (docName: string, offset: number, records: Uint8Array): Buffer => {
  const nameBytes = Buffer.byteLength(docName)
  const out = Buffer.allocUnsafe(nameHeaderBytes + nameBytes + offsetBytes + records.byteLength)
  out.writeUInt16LE(nameBytes, 0)
  out.write(docName, nameHeaderBytes, 'utf8')
  out.writeDoubleLE(offset, nameHeaderBytes + nameBytes)
  out.set(records, nameHeaderBytes + nameBytes + offsetBytes)
  return out
}
