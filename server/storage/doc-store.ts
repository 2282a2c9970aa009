/**
 * Loaded documents and their logs, with an LRU cap.
 *
 * `acquire` loads a document (replaying its log; a torn or corrupt tail is
 * reported, truncated away and never applied) and counts a reference;
 * `release` drops it. Documents with no references stay loaded until the cap
 * is passed, then the least recently used idle one is unloaded. A document with
 * queued or in-flight writes is never unloaded.
 *
 * The Y.Doc of a loaded document is materialised lazily: writes go to the log
 * as raw updates, and `StoredDoc.doc` applies whatever the log gained since the
 * last call, in one transaction, only when someone needs the state (a SyncStep1
 * answer, a compaction, the admin API).
 *
 * @module server/storage/doc-store
 */
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import * as Y from 'yjs'
import { SyncError } from '../errors.ts'
import { DocLog, type StorageObserver } from './doc-log.ts'
import { Journal, replayJournal } from './journal.ts'
import { scanRecords } from './record.ts'

/**
 * Applies updates in one transaction; an update Yjs rejects is skipped.
 * @return {number} how many were rejected
 */
const applyAll = (doc: Y.Doc, updates: readonly Uint8Array[]): number => {
  let rejected = 0
  Y.transact(doc, () => {
    for (const update of updates) {
      try {
        Y.applyUpdate(doc, update)
      } catch {
        rejected++
      }
    }
  })
  return rejected
}

/** A loaded document. `refs` counts the connections (and readers) using it. */
export class StoredDoc {
  refs = 0
  private readonly ydoc = new Y.Doc()
  /** Log bytes already applied to `ydoc`. */
  private appliedBytes = 0
  private logged: DocLog | null = null

  constructor (readonly name: string, private readonly onRejected: (count: number) => void) {}

  get log (): DocLog {
    if (this.logged === null) throw new Error(`document ${this.name} has no log yet`)
    return this.logged
  }

  /** The document's state: everything its log holds and has queued. */
  get doc (): Y.Doc {
    const { updates, toBytes } = this.log.readSince(this.appliedBytes)
    this.appliedBytes = toBytes
    if (updates.length > 0) this.load(updates)
    return this.ydoc
  }

  /** @internal used by the store while loading */
  attach (log: DocLog, appliedBytes: number): void {
    this.logged = log
    this.appliedBytes = appliedBytes
  }

  /** @internal the store applies the records it read while loading */
  load (updates: readonly Uint8Array[]): void {
    const rejected = applyAll(this.ydoc, updates)
    if (rejected > 0) this.onRejected(rejected)
  }

  /** @internal the log was compacted into a snapshot of this document */
  compacted (sizeBytes: number): void {
    this.appliedBytes = sizeBytes
  }

  destroy (): void {
    this.ydoc.destroy()
  }
}

/** Options of a store. */
export interface DocStoreOptions {
  dataDir: string
  maxLoadedDocs: number
  compactThresholdBytes: number
  /** Minimum time between two group commits (journal fdatasyncs). */
  groupCommitMs: number
  /** Journal size that triggers a checkpoint. */
  checkpointBytes: number
  observer: StorageObserver
}

/**
 * Log file name of a document: base64url of its UTF-8 name, so that no name can
 * reach outside the data directory.
 * @param {string} docName
 */
export const logFileName = (docName: string): string => `${Buffer.from(docName, 'utf8').toString('base64url')}.ylog`

/** The document store. Call `close()` to flush and release every file. */
export class DocStore {
  private readonly docs = new Map<string, StoredDoc>()
  private readonly loading = new Map<string, Promise<StoredDoc>>()
  private readonly unloading = new Map<string, Promise<void>>()

  private journal: Journal | null = null

  constructor (private readonly options: DocStoreOptions) {}

  /** Log files present on disk; saves a failing (and, with source maps, slow) open per new document. */
  private readonly onDisk = new Set<string>()

  /**
   * Creates the data directory, removes leftovers of interrupted compactions,
   * replays the journal of a crash into the logs and lists them.
   */
  async init (): Promise<void> {
    const { dataDir } = this.options
    await mkdir(dataDir, { recursive: true })
    for (const file of await readdir(dataDir)) {
      // A compaction that crashed before its rename: the log itself is intact.
      if (file.endsWith('.ylog.compact')) await rm(join(dataDir, file), { force: true })
    }
    const replayed = replayJournal(dataDir, name => join(dataDir, logFileName(name)))
    if (replayed > 0) this.options.observer.journalReplayed(replayed)
    for (const file of await readdir(dataDir)) if (file.endsWith('.ylog')) this.onDisk.add(file)
    this.journal = await Journal.open({ dataDir, groupCommitMs: this.options.groupCommitMs, checkpointBytes: this.options.checkpointBytes, observer: this.options.observer })
  }

  /** Number of documents in memory. */
  get loadedCount (): number {
    return this.docs.size
  }

  /**
   * Loads (if needed) and references a document.
   * @param {string} name
   * @return {Promise<StoredDoc>}
   * @throws {SyncError} SYNC_ERR_TOO_MANY_DOCS when the cap is reached and nothing is idle
   */
  async acquire (name: string): Promise<StoredDoc> {
    const loaded = this.docs.get(name)
    if (loaded !== undefined) {
      loaded.refs++
      return loaded
    }
    let loading = this.loading.get(name)
    if (loading === undefined) {
      this.evictIdle(1)
      if (this.docs.size + this.loading.size >= this.options.maxLoadedDocs) {
        throw new SyncError('SYNC_ERR_TOO_MANY_DOCS', `${this.docs.size} documents are loaded and none is idle`)
      }
      loading = this.load(name).finally(() => this.loading.delete(name))
      this.loading.set(name, loading)
    }
    const stored = await loading
    stored.refs++
    return stored
  }

  /** Drops one reference; idle documents become candidates for unloading. */
  release (stored: StoredDoc): void {
    stored.refs--
    if (stored.refs === 0) {
      // Re-insert: Map order is the LRU order, oldest first.
      this.docs.delete(stored.name)
      this.docs.set(stored.name, stored)
      this.evictIdle(0)
    }
  }

  /**
   * Runs `fn` on a document, loading it for the call if needed.
   * @param {string} name
   * @param {(doc: Y.Doc) => T} fn
   */
  async read<T> (name: string, fn: (doc: Y.Doc) => T | Promise<T>): Promise<T> {
    // `stored.doc` materialises the log into the document before `fn` sees it.
    const stored = await this.acquire(name)
    try {
      return await fn(stored.doc)
    } finally {
      this.release(stored)
    }
  }

  /** Flushes every queued write, then closes every log. */
  async close (): Promise<void> {
    await Promise.allSettled([...this.loading.values()])
    await Promise.allSettled([...this.unloading.values()])
    await Promise.all([...this.docs.values()].map(stored => stored.log.close()))
    await this.journal?.close()
    for (const stored of this.docs.values()) stored.destroy()
    this.docs.clear()
  }

  /** Unloads idle documents until `room` more fit under the cap. */
  private evictIdle (room: number): void {
    if (this.docs.size + this.loading.size + room <= this.options.maxLoadedDocs) return
    for (const stored of this.docs.values()) {
      if (this.docs.size + this.loading.size + room <= this.options.maxLoadedDocs) return
      if (stored.refs > 0 || stored.log.busy) continue
      this.docs.delete(stored.name)
      const done = stored.log.close()
        .catch(err => this.options.observer.failed(stored.name, err as Error))
        .finally(() => {
          stored.destroy()
          this.unloading.delete(stored.name)
        })
      this.unloading.set(stored.name, done)
    }
  }

  private async load (name: string): Promise<StoredDoc> {
    await this.unloading.get(name)
    const journal = this.journal
    if (journal === null) throw new Error('DocStore.init() was not called')
    const fileName = logFileName(name)
    const path = join(this.options.dataDir, fileName)
    const created = !this.onDisk.has(fileName)
    const data = created ? Buffer.alloc(0) : await readFile(path)
    const scan = scanRecords(data)
    const stored = new StoredDoc(name, count => this.options.observer.failed(name, new Error(`${count} logged updates could not be applied to the document and were skipped`)))
    stored.load(scan.payloads)
    if (scan.tailProblem !== null) {
      this.options.observer.corruptTail(name, scan.tailProblem, data.byteLength - scan.validBytes)
      const handle = await open(path, 'r+')
      try {
        await handle.truncate(scan.validBytes)
        await handle.datasync()
      } finally {
        await handle.close()
      }
    }
    const log = await DocLog.open({
      docName: name,
      path,
      compactThresholdBytes: this.options.compactThresholdBytes,
      journal,
      snapshot: () => Y.encodeStateAsUpdate(stored.doc),
      onCompacted: sizeBytes => stored.compacted(sizeBytes),
      observer: this.options.observer,
      onIdle: () => this.evictIdle(0)
    }, scan.validBytes, created)
    stored.attach(log, scan.validBytes)
    this.onDisk.add(fileName)
    this.docs.set(name, stored)
    return stored
  }
}
