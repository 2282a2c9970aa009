/**
 * Loaded documents and their logs, with an LRU cap.
 *
 * `acquire` loads a document (replaying its log; a torn or corrupt tail is
 * reported, truncated away and never applied) and counts a reference;
 * `release` drops it. Documents with no references stay loaded until the cap
 * is passed, then the least recently used idle one is unloaded. A document with
 * queued or in-flight writes is never unloaded.
 *
 * @module server/storage/doc-store
 */
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import * as Y from 'yjs'
import { SyncError } from '../errors.ts'
import { DocLog, type StorageObserver } from './doc-log.ts'
import { scanRecords } from './record.ts'

/** A loaded document. `refs` counts the connections (and readers) using it. */
export interface StoredDoc {
  readonly name: string
  readonly doc: Y.Doc
  readonly log: DocLog
  refs: number
}

/** Options of a store. */
export interface DocStoreOptions {
  dataDir: string
  maxLoadedDocs: number
  compactThresholdBytes: number
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

  constructor (private readonly options: DocStoreOptions) {}

  /** Log files present on disk; saves a failing (and, with source maps, slow) open per new document. */
  private readonly onDisk = new Set<string>()

  /** Creates the data directory, lists its logs and removes leftovers of interrupted compactions. */
  async init (): Promise<void> {
    await mkdir(this.options.dataDir, { recursive: true })
    for (const file of await readdir(this.options.dataDir)) {
      // A compaction that crashed before its rename: the log itself is intact.
      if (file.endsWith('.ylog.compact')) await rm(join(this.options.dataDir, file), { force: true })
      else if (file.endsWith('.ylog')) this.onDisk.add(file)
    }
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
    for (const stored of this.docs.values()) stored.doc.destroy()
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
          stored.doc.destroy()
          this.unloading.delete(stored.name)
        })
      this.unloading.set(stored.name, done)
    }
  }

  private async load (name: string): Promise<StoredDoc> {
    await this.unloading.get(name)
    const fileName = logFileName(name)
    const path = join(this.options.dataDir, fileName)
    const created = !this.onDisk.has(fileName)
    const data = created ? Buffer.alloc(0) : await readFile(path)
    const scan = scanRecords(data)
    const doc = new Y.Doc()
    if (scan.payloads.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(scan.payloads))
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
    const stored: StoredDoc = {
      name,
      doc,
      refs: 0,
      log: await DocLog.open({
        docName: name,
        path,
        compactThresholdBytes: this.options.compactThresholdBytes,
        snapshot: () => Y.encodeStateAsUpdate(doc),
        observer: this.options.observer,
        onIdle: () => this.evictIdle(0)
      }, scan.validBytes, created)
    }
    this.onDisk.add(fileName)
    this.docs.set(name, stored)
    return stored
  }
}
