/**
 * An adapter's store-benchmark hook (`openBenchStore`, client/adapter/contract.ts)
 * as a KeyValueStore of kind `sdk`, so @opfs times the SDK's own storage with
 * the same method as the suite's layouts (client/store/bench.ts). Whatever the
 * hook returns is checked; whatever it throws becomes a StoreError naming the
 * adapter, so the benchmark records it as that store's failure.
 *
 * @module client/adapter/bench-store
 */
import { z } from 'zod'
import { checkAdapterValue, type Adapter, type AdapterBenchStore } from './contract.ts'
import { StoreError, type KeyValueStore, type StoreEntry } from '../store/store.ts'
import { sortKeys } from '../store/keys.ts'
import type { BenchStoreOpener } from '../store/bench.ts'

const fn = z.custom<(...args: never[]) => unknown>(value => typeof value === 'function', 'must be a function')
const benchStoreSchema = z.object({ put: fn, get: fn, delete: fn, list: fn, clear: fn, close: fn, compact: fn.optional() })
const bytesSchema = z.custom<Uint8Array>(value => value instanceof Uint8Array, 'expected a Uint8Array')

/**
 * @param {Adapter} adapter checked with checkAdapter
 * @return {BenchStoreOpener | undefined} undefined when the adapter has no hook
 */
export const adapterBenchStore = (adapter: Adapter): BenchStoreOpener | undefined => {
  const hook = adapter.openBenchStore
  if (hook === undefined) return undefined
  const failed = (op: string, err: unknown): StoreError => err instanceof StoreError
    ? err
    : new StoreError('io', 'sdk', `adapter ${adapter.name}'s store failed on ${op} (${err instanceof Error ? err.message : String(err)}): fix its openBenchStore hook, or check the SDK's storage.`, err)
  const call = async <T>(op: string, run: () => Promise<T> | T): Promise<T> => {
    try {
      return await run()
    } catch (err) {
      throw failed(op, err)
    }
  }
  return async namespace => {
    const raw = await call('open', () => hook(namespace))
    const store = await call('open', () => checkAdapterValue(adapter.name, 'benchStore', benchStoreSchema, raw) as unknown as AdapterBenchStore)
    const compact = store.compact
    const wrapped: KeyValueStore = {
      kind: 'sdk',
      put: (entries: StoreEntry[]) => call('put', async () => { await store.put(entries) }),
      get: keys => call('get', async () => {
        const values = checkAdapterValue(adapter.name, 'benchStore', z.array(bytesSchema.nullish()).length(keys.length), await store.get(keys))
        return values.map(value => value ?? undefined)
      }),
      delete: keys => call('delete', async () => { await store.delete(keys) }),
      list: () => call('list', async () => sortKeys(checkAdapterValue(adapter.name, 'benchStore', z.array(z.string()), await store.list()))),
      clear: () => call('clear', async () => { await store.clear() }),
      close: () => call('close', async () => { await store.close() }),
      ...(compact === undefined ? {} : { compact: () => call('compact', async () => { await compact() }) })
    }
    return wrapped
  }
}
