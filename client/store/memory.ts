/**
 * In-memory KeyValueStore for Node replicas and tests: same contract, no
 * durability beyond the process. Values are copied in and out, so callers
 * never share buffers with the store.
 *
 * @module client/store/memory
 */
import { checkKey, sortKeys } from './keys.ts'
import { StoreError, type KeyValueStore, type StoreEntry, type StoreKind } from './store.ts'

const kind: StoreKind = 'memory'

/** Map-backed store of one namespace. */
export class MemoryStore implements KeyValueStore {
  readonly kind = kind
  private entries: Map<string, Uint8Array> | undefined = new Map()

  constructor (readonly namespace: string) {}

  private map (): Map<string, Uint8Array> {
    if (this.entries === undefined) throw new StoreError('io', kind, `the store of namespace "${this.namespace}" is closed: open a new one.`)
    return this.entries
  }

  async put (entries: StoreEntry[]): Promise<void> {
    const map = this.map()
    for (const entry of entries) checkKey(kind, entry.key)
    for (const entry of entries) map.set(entry.key, entry.value.slice())
  }

  async get (keys: string[]): Promise<Array<Uint8Array | undefined>> {
    const map = this.map()
    return keys.map(key => map.get(key)?.slice())
  }

  async delete (keys: string[]): Promise<void> {
    const map = this.map()
    for (const key of keys) map.delete(key)
  }

  async list (): Promise<string[]> {
    return sortKeys([...this.map().keys()])
  }

  async clear (): Promise<void> {
    this.map().clear()
  }

  async close (): Promise<void> {
    this.entries = undefined
  }
}

/**
 * @param {string} namespace
 * @return {Promise<MemoryStore>} an empty store
 */
export const openMemoryStore = async (namespace: string): Promise<MemoryStore> => new MemoryStore(namespace)
