/**
 * The OPFS engine that runs inside the dedicated worker: one file per key,
 * written through `createSyncAccessHandle()` (write, truncate, flush, close per
 * op, or handles kept open until delete/clear/close with `keepHandlesOpen`).
 *
 * Hazard: a sync access handle writes in place, so a crash in the middle of a
 * write can leave a torn value; createWritable (opfs-main) swaps atomically.
 *
 * @module client/store/opfs-worker-engine
 */
import { isNotFound, listKeys, namespaceDir, openSyncAccessHandle, removeNamespaceDir, type SyncAccessHandle } from './opfs-dir.ts'
import { checkKey } from './keys.ts'
import { toStoreError } from './errors.ts'
import { StoreError, type StoreEntry, type StoreKind } from './store.ts'

const kind: StoreKind = 'opfs-worker'

/** Engine state of one namespace; its methods run inside the worker. */
export class OpfsWorkerEngine {
  private dir: FileSystemDirectoryHandle | undefined
  /** Open handles by file name, only with keepHandlesOpen. */
  private readonly handles = new Map<string, SyncAccessHandle>()

  constructor (readonly namespace: string, readonly keepHandlesOpen: boolean) {}

  private async directory (): Promise<FileSystemDirectoryHandle> {
    this.dir ??= await namespaceDir(kind, this.namespace)
    return this.dir
  }

  /** Runs fn on the file's handle; closes the handle afterwards unless handles are kept. */
  private async withHandle<T> (name: string, key: string, create: boolean, fn: (handle: SyncAccessHandle) => T): Promise<T> {
    let handle = this.handles.get(name)
    if (handle === undefined) {
      const file = await (await this.directory()).getFileHandle(name, { create })
      handle = await openSyncAccessHandle(kind, file, key)
      if (this.keepHandlesOpen) this.handles.set(name, handle)
    }
    try {
      return fn(handle)
    } finally {
      if (!this.keepHandlesOpen) handle.close()
    }
  }

  async put (entries: StoreEntry[]): Promise<void> {
    const byName = new Map(entries.map(entry => [checkKey(kind, entry.key), entry]))
    await Promise.all([...byName].map(async ([name, entry]) => {
      let torn = false
      try {
        await this.withHandle(name, entry.key, true, handle => {
          const written = handle.write(entry.value, { at: 0 })
          if (written !== entry.value.byteLength) {
            torn = true
            // Chromium reports a full quota as a short (or bogus) byte count instead of throwing.
            throw new StoreError('quota-exceeded', kind, `writing key "${entry.key}" stored ${written} of ${entry.value.byteLength} bytes, so the quota is used up and the key was removed: free space by clearing old namespaces, or request persistent storage.`)
          }
          handle.truncate(entry.value.byteLength)
          handle.flush()
        })
      } catch (err) {
        if (torn) await this.removeTorn(name)
        throw toStoreError(err, kind, `writing key "${entry.key}"`)
      }
    }))
  }

  /** A half-written value must read as absent, never as torn bytes. */
  private async removeTorn (name: string): Promise<void> {
    this.handles.get(name)?.close()
    this.handles.delete(name)
    await (await this.directory()).removeEntry(name).catch(() => {})
  }

  async get (keys: string[]): Promise<Array<Uint8Array | null>> {
    return Promise.all(keys.map(async key => {
      const name = checkKey(kind, key)
      try {
        return await this.withHandle(name, key, false, handle => {
          const value = new Uint8Array(handle.getSize())
          handle.read(value, { at: 0 })
          return value
        })
      } catch (err) {
        if (isNotFound(err)) return null
        throw toStoreError(err, kind, `reading key "${key}"`)
      }
    }))
  }

  async delete (keys: string[]): Promise<void> {
    const dir = await this.directory()
    await Promise.all(keys.map(async key => {
      const name = checkKey(kind, key)
      this.handles.get(name)?.close()
      this.handles.delete(name)
      try {
        await dir.removeEntry(name)
      } catch (err) {
        if (!isNotFound(err)) throw toStoreError(err, kind, `deleting key "${key}"`)
      }
    }))
  }

  async list (): Promise<string[]> {
    return listKeys(kind, await this.directory())
  }

  async clear (): Promise<void> {
    this.close()
    this.dir = undefined
    await removeNamespaceDir(kind, this.namespace)
  }

  /** Releases every kept handle (and with it the file locks). */
  close (): void {
    for (const handle of this.handles.values()) handle.close()
    this.handles.clear()
  }
}
