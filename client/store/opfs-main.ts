/**
 * KeyValueStore on OPFS from the main thread: one file per key, written with
 * `createWritable()`, whose `close()` swaps the new content in atomically.
 *
 * @module client/store/opfs-main
 */
import { isNotFound, listKeys, namespaceDir, removeNamespaceDir } from './opfs-dir.ts'
import { checkKey } from './keys.ts'
import { toStoreError, unsupportedError } from './errors.ts'
import { StoreError, type KeyValueStore, type StoreEntry, type StoreKind } from './store.ts'

const kind: StoreKind = 'opfs-main'

/** Main-thread OPFS store; create it with openOpfsMainStore. */
export class OpfsMainStore implements KeyValueStore {
  readonly kind = kind
  private dir: Promise<FileSystemDirectoryHandle> | undefined
  private closed = false

  constructor (readonly namespace: string) {}

  private closedError (): StoreError {
    return new StoreError('io', kind, `the store of namespace "${this.namespace}" is closed: open a new one.`)
  }

  private directory (): Promise<FileSystemDirectoryHandle> {
    if (this.closed) return Promise.reject(this.closedError())
    // Cached until clear() removes the directory; a failed open is retried next time.
    this.dir ??= namespaceDir(kind, this.namespace).catch(err => {
      this.dir = undefined
      throw err
    })
    return this.dir
  }

  async put (entries: StoreEntry[]): Promise<void> {
    const dir = await this.directory()
    // Last write wins for a key given twice, as in one IndexedDB transaction.
    const byName = new Map(entries.map(entry => [checkKey(kind, entry.key), entry]))
    await Promise.all([...byName].map(async ([name, entry]) => {
      try {
        const file = await dir.getFileHandle(name, { create: true })
        const writable = await file.createWritable()
        try {
          await writable.write(entry.value as Uint8Array<ArrayBuffer>)
        } catch (err) {
          await writable.abort().catch(() => {})
          throw err
        }
        await writable.close()
      } catch (err) {
        throw toStoreError(err, kind, `writing key "${entry.key}"`)
      }
    }))
  }

  async get (keys: string[]): Promise<Array<Uint8Array | undefined>> {
    const dir = await this.directory()
    return Promise.all(keys.map(async key => {
      const name = checkKey(kind, key)
      try {
        const file = await (await dir.getFileHandle(name)).getFile()
        return new Uint8Array(await file.arrayBuffer())
      } catch (err) {
        if (isNotFound(err)) return undefined
        throw toStoreError(err, kind, `reading key "${key}"`)
      }
    }))
  }

  async delete (keys: string[]): Promise<void> {
    const dir = await this.directory()
    await Promise.all(keys.map(async key => {
      const name = checkKey(kind, key)
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
    if (this.closed) throw this.closedError()
    this.dir = undefined
    await removeNamespaceDir(kind, this.namespace)
  }

  async close (): Promise<void> {
    this.closed = true
    this.dir = undefined
  }
}

/**
 * Opens the main-thread OPFS store of a namespace.
 * @param {string} namespace
 * @return {Promise<OpfsMainStore>} rejects with 'unsupported' when OPFS is missing
 */
export const openOpfsMainStore = async (namespace: string): Promise<OpfsMainStore> => {
  if (typeof FileSystemFileHandle === 'undefined' || typeof FileSystemFileHandle.prototype.createWritable !== 'function') {
    throw unsupportedError(kind, 'FileSystemFileHandle.createWritable')
  }
  const store = new OpfsMainStore(namespace)
  await store.list()
  return store
}
