/**
 * The store factory: one call to open any kind of store on a namespace.
 *
 * @module client/store/open
 */
import { namespaceSchema } from './keys.ts'
import { openIndexedDbStore } from './indexeddb.ts'
import { openMemoryStore } from './memory.ts'
import { openOpfsMainStore } from './opfs-main.ts'
import { openOpfsLogStore, openOpfsWorkerStore, type OpfsWorkerOptions } from './opfs-worker.ts'
import { StoreError, type KeyValueStore, type StoreChoice } from './store.ts'

/** Options for openStore; only the worker stores (opfs-worker, opfs-log) read them today. */
export type OpenStoreOptions = OpfsWorkerOptions

/**
 * opfs-log, or IndexedDB where the log cannot run. Only 'unsupported' falls
 * back: a held lock or a broken log is the caller's to see, never hidden.
 * Sync access handles exist in workers only, so the worker itself is asked.
 */
const openAutoStore = async (namespace: string, options: OpenStoreOptions): Promise<KeyValueStore> => {
  try {
    return await openOpfsLogStore(namespace, options)
  } catch (err) {
    if (err instanceof StoreError && err.code === 'unsupported') return openIndexedDbStore(namespace)
    throw err
  }
}

/**
 * Opens a store of the given kind on a namespace (created when absent).
 * @param {StoreChoice} kind a store kind, or 'auto' (opfs-log, else IndexedDB)
 * @param {string} namespace one replica's storage name, 1-80 characters
 * @param {OpenStoreOptions} options
 * @return {Promise<KeyValueStore>} rejects with a StoreError ('unsupported' when the engine is missing here)
 */
export const openStore = async (kind: StoreChoice, namespace: string, options: OpenStoreOptions = {}): Promise<KeyValueStore> => {
  const checked = namespaceSchema.safeParse(namespace)
  // The error names the store asked for; 'auto' reports as the log it tries first.
  const named = kind === 'auto' ? 'opfs-log' : kind
  if (!checked.success) throw new StoreError('io', named, `namespace ${JSON.stringify(namespace)} is invalid because ${checked.error.issues[0]?.message ?? 'it is not a string'}.`)
  switch (kind) {
    case 'auto': return openAutoStore(namespace, options)
    case 'opfs-log': return openOpfsLogStore(namespace, options)
    case 'opfs-main': return openOpfsMainStore(namespace)
    case 'opfs-worker': return openOpfsWorkerStore(namespace, options)
    case 'indexeddb': return openIndexedDbStore(namespace)
    case 'memory': return openMemoryStore(namespace)
  }
}
