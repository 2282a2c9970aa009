/**
 * The store factory: one call to open any kind of store on a namespace.
 *
 * @module client/store/open
 */
import { namespaceSchema } from './keys.ts'
import { openIndexedDbStore } from './indexeddb.ts'
import { openMemoryStore } from './memory.ts'
import { openOpfsMainStore } from './opfs-main.ts'
import { openOpfsWorkerStore, type OpfsWorkerOptions } from './opfs-worker.ts'
import { StoreError, type KeyValueStore, type StoreKind } from './store.ts'

/** Options for openStore; only the opfs-worker store reads them today. */
export type OpenStoreOptions = OpfsWorkerOptions

/**
 * Opens a store of the given kind on a namespace (created when absent).
 * @param {StoreKind} kind
 * @param {string} namespace one replica's storage name, 1-80 characters
 * @param {OpenStoreOptions} options
 * @return {Promise<KeyValueStore>} rejects with a StoreError ('unsupported' when the engine is missing here)
 */
export const openStore = async (kind: StoreKind, namespace: string, options: OpenStoreOptions = {}): Promise<KeyValueStore> => {
  const checked = namespaceSchema.safeParse(namespace)
  if (!checked.success) throw new StoreError('io', kind, `namespace ${JSON.stringify(namespace)} is invalid because ${checked.error.issues[0]?.message ?? 'it is not a string'}.`)
  switch (kind) {
    case 'opfs-main': return openOpfsMainStore(namespace)
    case 'opfs-worker': return openOpfsWorkerStore(namespace, options)
    case 'indexeddb': return openIndexedDbStore(namespace)
    case 'memory': return openMemoryStore(namespace)
  }
}
