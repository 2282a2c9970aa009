/**
 * The opfs-log engine, run inside the dedicated OPFS worker: one append-only,
 * checksummed log per namespace (record format: opfs-log-format.ts), written
 * through sync access handles that stay open while the store is open.
 *
 *   <origin root>/syncstorm-log/<encoded namespace>/lock      held open: the namespace's exclusive lock
 *   <origin root>/syncstorm-log/<encoded namespace>/<gen>.log the log; a compaction writes <gen+1>.log
 *
 * A put or delete call is one write of all its records and one flush. An
 * in-memory index (key → value offset and length) is rebuilt on open; reads
 * go straight to the offset, in a copy of the log kept in memory while it is
 * at most 64 MiB (in Chromium's in-memory profiles every OPFS read is a
 * round trip to the browser process), else in the file.
 *
 * Crash safety:
 * - open truncates the log after its last valid record (scanLog): a torn or
 *   corrupt tail is dropped, never read back, so what survives a crash is a
 *   prefix of what was written;
 * - compaction writes the live records and a seal record to <gen+1>.log,
 *   flushes, then removes <gen>.log. Open takes the newest file that is sealed
 *   (or the only one), and removes the others: a crash before the seal leaves
 *   the old log in charge, a crash after it the new one.
 *
 * Compaction runs when dead bytes (overwritten, deleted) exceed
 * `compactRatio` of the file and `compactMinBytes`, or when asked.
 *
 * @module client/store/opfs-log-engine
 */
import { checkKey, encodeName, sortKeys } from './keys.ts'
import { buildIndex, encodeRecords, opDelete, opPut, opSeal, scanLog, sealRecordBytes, type IndexEntry, type LogRecordInput } from './opfs-log-format.ts'
import { isNotFound, opfsRoot, type SyncAccessHandle } from './opfs-dir.ts'
import { storeErrorCode, toStoreError } from './errors.ts'
import { StoreError, type StoreEntry, type StoreKind } from './store.ts'

const kind: StoreKind = 'opfs-log'

/** OPFS directory under the origin root holding one directory per log namespace. */
export const opfsLogDirName = 'syncstorm-log'
const lockFileName = 'lock'
const logName = (gen: number): string => `${gen}.log`
const logNamePattern = /^(\d+)\.log$/
/** Compaction writes in chunks of about this size, so a big log never needs one huge buffer. */
const compactChunkBytes = 4 * 1024 * 1024
const lockRetryMs = 50
/** The log is mirrored in memory up to this size. */
const mirrorMaxBytes = 64 * 1024 * 1024

export interface LogEngineOptions {
  /** Compact when dead bytes exceed this share of the file... */
  compactRatio: number
  /** ...and at least this many bytes. */
  compactMinBytes: number
  /** How long open retries a held lock: a reloaded page's old worker may still be letting go. */
  lockWaitMs: number
}

/** What open found and repaired, for tests and logs. */
export interface LogRecovery {
  /** Torn or corrupt bytes truncated from the end of the log. */
  droppedBytes: number
  /** Why the scan stopped early (absent when the log was intact). */
  torn?: string
  /** Log files removed: an unfinished compaction, or the log a finished one replaced. */
  removedFiles: string[]
}

interface OpenLog {
  dir: FileSystemDirectoryHandle
  lock: SyncAccessHandle
  log: SyncAccessHandle
  gen: number
  end: number
  index: Map<string, IndexEntry>
  liveBytes: number
  /** list() cache, dropped on every change. */
  sorted: string[] | undefined
  /** bytes[0, length) equal the file's, while it fits in mirrorMaxBytes. */
  mirror: Mirror | undefined
}

interface Mirror { bytes: Uint8Array, length: number }

/** @return {Mirror | undefined} the mirror with chunk appended, or undefined once it would outgrow mirrorMaxBytes */
const mirrorAppend = (m: Mirror | undefined, chunk: Uint8Array): Mirror | undefined => {
  if (m === undefined) return undefined
  const need = m.length + chunk.length
  if (need > mirrorMaxBytes) return undefined
  if (need > m.bytes.length) {
    const grown = new Uint8Array(Math.min(mirrorMaxBytes, Math.max(need, m.bytes.length * 2)))
    grown.set(m.bytes.subarray(0, m.length))
    m.bytes = grown
  }
  m.bytes.set(chunk, m.length)
  m.length = need
  return m
}

/** A copy of one value, from the mirror or the file. */
const readValue = (s: OpenLog, at: IndexEntry, key: string): Uint8Array => {
  if (s.mirror !== undefined) return s.mirror.bytes.slice(at.valueOffset, at.valueOffset + at.valueLength)
  const value = new Uint8Array(at.valueLength)
  const read = s.log.read(value, { at: at.valueOffset })
  if (read !== at.valueLength) throw new StoreError('io', kind, `reading key "${key}" got ${read} of ${at.valueLength} bytes, so the log changed behind this store: close every other tab on this origin, then reopen.`)
  return value
}

interface LockingFileHandle { createSyncAccessHandle: () => Promise<SyncAccessHandle> }

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

const syncHandle = async (file: FileSystemFileHandle): Promise<SyncAccessHandle> => {
  const locking = file as unknown as Partial<LockingFileHandle>
  if (typeof locking.createSyncAccessHandle !== 'function') {
    throw new StoreError('unsupported', kind, 'FileSystemFileHandle.createSyncAccessHandle is not available here, so opfs-log cannot run: use a browser that offers OPFS sync access handles in workers, or pick another store.')
  }
  return await locking.createSyncAccessHandle()
}

const readAll = (handle: SyncAccessHandle): Uint8Array => {
  const bytes = new Uint8Array(handle.getSize())
  handle.read(bytes, { at: 0 })
  return bytes
}

/** Writes all bytes at `at`; a short write (Chromium's full quota) is a quota-exceeded StoreError. */
const writeAll = (handle: SyncAccessHandle, bytes: Uint8Array, at: number, action: string): void => {
  const written = handle.write(bytes, { at })
  if (written !== bytes.byteLength) throw new StoreError('quota-exceeded', kind, `${action} stored ${written} of ${bytes.byteLength} bytes, so the quota is used up and the write was rolled back: free space by clearing old namespaces, or request persistent storage.`)
}

/** Engine state of one namespace; its methods run inside the worker, one at a time. */
export class OpfsLogEngine {
  private state: OpenLog | undefined
  /** What the latest open found and repaired. */
  recovery: LogRecovery = { droppedBytes: 0, removedFiles: [] }

  constructor (readonly namespace: string, readonly options: LogEngineOptions) {}

  /** Takes the lock, recovers the log and builds the index; opens again after clear(). */
  async open (): Promise<OpenLog> {
    if (this.state !== undefined) return this.state
    const root = await opfsRoot(kind)
    let dir: FileSystemDirectoryHandle
    try {
      const base = await root.getDirectoryHandle(opfsLogDirName, { create: true })
      dir = await base.getDirectoryHandle(encodeName(this.namespace), { create: true })
    } catch (err) {
      throw toStoreError(err, kind, `opening the OPFS directory of namespace "${this.namespace}"`)
    }
    const lock = await this.takeLock(dir)
    try {
      this.state = await this.recover(dir, lock)
    } catch (err) {
      lock.close()
      throw toStoreError(err, kind, `opening the log of namespace "${this.namespace}"`)
    }
    return this.state
  }

  private async takeLock (dir: FileSystemDirectoryHandle): Promise<SyncAccessHandle> {
    const deadline = performance.now() + this.options.lockWaitMs
    for (;;) {
      try {
        return await syncHandle(await dir.getFileHandle(lockFileName, { create: true }))
      } catch (err) {
        if (storeErrorCode(err, true) !== 'lock-held') throw toStoreError(err, kind, `locking namespace "${this.namespace}"`, true)
        if (performance.now() >= deadline) {
          throw new StoreError('lock-held', kind, `namespace "${this.namespace}" is open in another tab or worker of this origin, which holds its log exclusively: close the store there (or that tab) first, or give this replica its own namespace.`, err)
        }
        await sleep(lockRetryMs)
      }
    }
  }

  private async recover (dir: FileSystemDirectoryHandle, lock: SyncAccessHandle): Promise<OpenLog> {
    const gens: number[] = []
    for await (const name of (dir as unknown as { keys: () => AsyncIterableIterator<string> }).keys()) {
      const m = logNamePattern.exec(name)
      if (m !== null) gens.push(Number(m[1]))
    }
    gens.sort((a, b) => b - a)
    const removedFiles: string[] = []
    let chosen: { gen: number, log: SyncAccessHandle, scan: ReturnType<typeof scanLog>, bytes: Uint8Array } | undefined
    for (const [i, gen] of gens.entries()) {
      if (chosen !== undefined) {
        // Superseded by a sealed compaction output.
        await dir.removeEntry(logName(gen))
        removedFiles.push(logName(gen))
        continue
      }
      const log = await syncHandle(await dir.getFileHandle(logName(gen)))
      const bytes = readAll(log)
      const scan = scanLog(bytes)
      if (!scan.sealed && i < gens.length - 1) {
        // A compaction that never reached its seal: the older log is still complete.
        log.close()
        await dir.removeEntry(logName(gen))
        removedFiles.push(logName(gen))
        continue
      }
      chosen = { gen, log, scan, bytes }
    }
    if (chosen === undefined) {
      const log = await syncHandle(await dir.getFileHandle(logName(0), { create: true }))
      chosen = { gen: 0, log, scan: scanLog(new Uint8Array(0)), bytes: new Uint8Array(0) }
    }
    const { gen, log, scan, bytes } = chosen
    const size = bytes.length
    if (size > scan.validEnd) {
      log.truncate(scan.validEnd)
      log.flush()
    }
    this.recovery = { droppedBytes: size - scan.validEnd, ...(scan.torn === undefined ? {} : { torn: scan.torn }), removedFiles }
    const { index, liveBytes } = buildIndex(scan.records)
    const mirror = scan.validEnd <= mirrorMaxBytes ? { bytes, length: scan.validEnd } : undefined
    return { dir, lock, log, gen, end: scan.validEnd, index, liveBytes, sorted: undefined, mirror }
  }

  /** Appends records in one write and one flush; on failure the file is cut back to where it was. */
  private append (s: OpenLog, records: LogRecordInput[], action: string): ReturnType<typeof encodeRecords>['records'] {
    const { bytes, records: placed } = encodeRecords(records, s.end)
    try {
      writeAll(s.log, bytes, s.end, action)
      s.log.flush()
    } catch (err) {
      // A half-written batch must never be read back: cut it off now (open would drop it too).
      try {
        s.log.truncate(s.end)
        s.log.flush()
      } catch {}
      throw toStoreError(err, kind, action)
    }
    s.end += bytes.length
    s.sorted = undefined
    s.mirror = mirrorAppend(s.mirror, bytes)
    return placed
  }

  async put (entries: StoreEntry[]): Promise<void> {
    const s = await this.open()
    // Last write wins for a key given twice, as in one IndexedDB transaction.
    for (const entry of entries) checkKey(kind, entry.key)
    const byKey = new Map(entries.map(entry => [entry.key, entry]))
    // checkKey bounds a key to 255 bytes, well inside a record's 65535.
    const placed = this.append(s, [...byKey.values()].map(({ key, value }) => ({ op: opPut, key, value })), `writing ${byKey.size} entries`)
    for (const r of placed) {
      const old = s.index.get(r.key)
      if (old !== undefined) s.liveBytes -= old.size
      s.index.set(r.key, { valueOffset: r.valueOffset, valueLength: r.valueLength, size: r.size })
      s.liveBytes += r.size
    }
    await this.compactIfDue(s)
  }

  async get (keys: string[]): Promise<Array<Uint8Array | null>> {
    const s = await this.open()
    return keys.map(key => {
      const at = s.index.get(key)
      return at === undefined ? null : readValue(s, at, key)
    })
  }

  async delete (keys: string[]): Promise<void> {
    const s = await this.open()
    const present = [...new Set(keys)].filter(key => s.index.has(key))
    if (present.length === 0) return
    this.append(s, present.map(key => ({ op: opDelete, key })), `deleting ${present.length} keys`)
    for (const key of present) {
      s.liveBytes -= s.index.get(key)!.size
      s.index.delete(key)
    }
    await this.compactIfDue(s)
  }

  async list (): Promise<string[]> {
    const s = await this.open()
    s.sorted ??= sortKeys([...s.index.keys()])
    return [...s.sorted]
  }

  private async compactIfDue (s: OpenLog): Promise<void> {
    const dead = s.end - s.liveBytes
    if (dead >= this.options.compactMinBytes && dead > this.options.compactRatio * s.end) await this.compactOpen(s)
  }

  /** Rewrites the live records into the next generation and drops the old log. */
  async compact (): Promise<void> {
    await this.compactOpen(await this.open())
  }

  private async compactOpen (s: OpenLog): Promise<void> {
    const gen = s.gen + 1
    const name = logName(gen)
    let next: SyncAccessHandle | undefined
    try {
      next = await syncHandle(await s.dir.getFileHandle(name, { create: true }))
      next.truncate(0)
      const index = new Map<string, IndexEntry>()
      let mirror: Mirror | undefined = { bytes: new Uint8Array(0), length: 0 }
      let end = 0
      let batch: LogRecordInput[] = []
      let batchBytes = 0
      const writeBatch = (): void => {
        const { bytes, records } = encodeRecords(batch, end)
        writeAll(next!, bytes, end, `compacting into ${name}`)
        for (const r of records) if (r.op === opPut) index.set(r.key, { valueOffset: r.valueOffset, valueLength: r.valueLength, size: r.size })
        end += bytes.length
        mirror = mirrorAppend(mirror, bytes)
        batch = []
        batchBytes = 0
      }
      for (const [key, at] of s.index) {
        batch.push({ op: opPut, key, value: readValue(s, at, key) })
        batchBytes += at.size
        if (batchBytes >= compactChunkBytes) writeBatch()
      }
      batch.push({ op: opSeal, key: '' })
      writeBatch()
      // Durable and sealed before the old log goes: from here on, open picks the new one.
      next.flush()
      s.log.close()
      const old = logName(s.gen)
      Object.assign(s, { log: next, gen, end, index, liveBytes: end - sealRecordBytes, mirror })
      next = undefined
      // Left behind, the old log is removed by the next open: the sealed one wins.
      await s.dir.removeEntry(old).catch(() => {})
    } catch (err) {
      if (next !== undefined) {
        next.close()
        await s.dir.removeEntry(name).catch(() => {})
      }
      throw toStoreError(err, kind, `compacting the log of namespace "${this.namespace}"`)
    }
  }

  /** Closes the handles and removes the namespace; the next call opens it afresh. */
  async clear (): Promise<void> {
    this.close()
    const root = await opfsRoot(kind)
    try {
      const base = await root.getDirectoryHandle(opfsLogDirName, { create: true })
      await base.removeEntry(encodeName(this.namespace), { recursive: true })
    } catch (err) {
      if (!isNotFound(err)) throw toStoreError(err, kind, `clearing namespace "${this.namespace}"`)
    }
  }

  /** Releases the log and the lock. */
  close (): void {
    const s = this.state
    this.state = undefined
    if (s === undefined) return
    s.log.close()
    s.lock.close()
  }
}
