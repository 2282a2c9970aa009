/**
 * KeyValueStore on IndexedDB: one database per namespace (`syncstorm:<namespace>`)
 * with one object store. Each call is one transaction with strict durability,
 * and resolves on `complete`, after the engine flushed it.
 *
 * @module client/store/indexeddb
 */
import { checkKey } from './keys.ts'
import { toStoreError, unsupportedError } from './errors.ts'
import { StoreError, type KeyValueStore, type StoreEntry, type StoreKind } from './store.ts'

const kind: StoreKind = 'indexeddb'
const objectStoreName = 'kv'

/** The database name of a namespace. */
export const databaseName = (namespace: string): string => `syncstorm:${namespace}`

const requestDone = <T>(request: IDBRequest<T>): Promise<T> => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result)
  request.onerror = () => reject(request.error)
})

const openDatabase = (namespace: string): Promise<IDBDatabase> => new Promise((resolve, reject) => {
  const request = indexedDB.open(databaseName(namespace), 1)
  request.onupgradeneeded = () => request.result.createObjectStore(objectStoreName)
  request.onsuccess = () => resolve(request.result)
  request.onerror = () => reject(toStoreError(request.error, kind, `opening database "${databaseName(namespace)}"`))
  request.onblocked = () => reject(new StoreError('lock-held', kind, `opening database "${databaseName(namespace)}" is blocked by an older connection: close the other tab or store on this namespace.`))
})

/** IndexedDB store; create it with openIndexedDbStore. */
export class IndexedDbStore implements KeyValueStore {
  readonly kind = kind
  private db: Promise<IDBDatabase> | undefined
  private closed = false

  constructor (readonly namespace: string) {}

  private database (): Promise<IDBDatabase> {
    if (this.closed) return Promise.reject(new StoreError('io', kind, `the store of namespace "${this.namespace}" is closed: open a new one.`))
    this.db ??= openDatabase(this.namespace).then(db => {
      // Another connection deletes or upgrades the database: let it, and reopen on next use.
      db.onversionchange = () => {
        db.close()
        this.db = undefined
      }
      return db
    }, err => {
      this.db = undefined
      throw err
    })
    return this.db
  }

  /** Runs one transaction; resolves with fn's result once the transaction completed. */
  private async transaction<T> (mode: IDBTransactionMode, action: string, fn: (store: IDBObjectStore) => Promise<T> | T): Promise<T> {
    const db = await this.database()
    let tx: IDBTransaction
    try {
      tx = db.transaction(objectStoreName, mode, { durability: 'strict' })
    } catch (err) {
      throw toStoreError(err, kind, action)
    }
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve()
      tx.onabort = () => reject(toStoreError(tx.error ?? new DOMException('transaction aborted', 'AbortError'), kind, action))
    })
    // fn runs synchronously, while the transaction is active.
    let work: Promise<T>
    try {
      work = Promise.resolve(fn(tx.objectStore(objectStoreName)))
    } catch (err) {
      work = Promise.reject(err)
    }
    // Wait for both: the abort carries the real cause (quota, for example), so it wins over fn's error.
    const [result, completion] = await Promise.allSettled([work, done])
    if (completion.status === 'rejected') throw completion.reason
    if (result.status === 'rejected') throw toStoreError(result.reason, kind, action)
    return result.value
  }

  async put (entries: StoreEntry[]): Promise<void> {
    for (const entry of entries) checkKey(kind, entry.key)
    await this.transaction('readwrite', `writing ${entries.length} entries`, store => {
      for (const entry of entries) store.put(entry.value, entry.key)
    })
  }

  async get (keys: string[]): Promise<Array<Uint8Array | undefined>> {
    for (const key of keys) checkKey(kind, key)
    return this.transaction('readonly', `reading ${keys.length} keys`, store =>
      Promise.all(keys.map(async key => {
        const value: unknown = await requestDone(store.get(key))
        return value instanceof Uint8Array ? value : undefined
      })))
  }

  async delete (keys: string[]): Promise<void> {
    for (const key of keys) checkKey(kind, key)
    await this.transaction('readwrite', `deleting ${keys.length} keys`, store => {
      for (const key of keys) store.delete(key)
    })
  }

  async list (): Promise<string[]> {
    const keys = await this.transaction('readonly', 'listing keys', store => requestDone(store.getAllKeys()))
    return keys.filter((key): key is string => typeof key === 'string')
  }

  async clear (): Promise<void> {
    const db = await this.database()
    db.close()
    this.db = undefined
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(databaseName(this.namespace))
      request.onsuccess = () => resolve()
      request.onerror = () => reject(toStoreError(request.error, kind, `deleting database "${databaseName(this.namespace)}"`))
      request.onblocked = () => reject(new StoreError('lock-held', kind, `deleting database "${databaseName(this.namespace)}" is blocked by another open connection: close the other tab or store on this namespace.`))
    })
  }

  async close (): Promise<void> {
    this.closed = true
    const db = this.db
    this.db = undefined
    if (db !== undefined) (await db.catch(() => undefined))?.close()
  }
}

/**
 * Opens (creating when absent) the database of a namespace.
 * @param {string} namespace
 * @return {Promise<IndexedDbStore>} rejects with 'unsupported' when IndexedDB is missing
 */
export const openIndexedDbStore = async (namespace: string): Promise<IndexedDbStore> => {
  if (typeof indexedDB === 'undefined') throw unsupportedError(kind, 'indexedDB')
  const store = new IndexedDbStore(namespace)
  await store.list()
  return store
}
