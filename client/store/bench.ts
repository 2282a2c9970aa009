/**
 * The OPFS latency benchmark (DESIGN §4): per round on a fresh namespace,
 * write `items` values of `itemBytes` random bytes in one batch, read them all,
 * list, delete them all. One sample = the time of one whole batch, in ms.
 * The suite builds histograms from the raw samples.
 *
 * @module client/store/bench
 */
import { storeBenchOptionsSchema, type StoreBenchOptions, type StoreBenchResult } from '../harness/api.ts'
import { openStore, type OpenStoreOptions } from './open.ts'
import { StoreError, type KeyValueStore, type StoreEntry } from './store.ts'

/** getRandomValues fills at most 65536 bytes per call. */
const randomBytes = (sizeBytes: number): Uint8Array => {
  const bytes = new Uint8Array(sizeBytes)
  for (let offset = 0; offset < sizeBytes; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, offset + 65_536))
  return bytes
}

const timeMs = async (fn: () => Promise<unknown>): Promise<number> => {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

const oneRound = async (store: KeyValueStore, entries: StoreEntry[], samplesMs: StoreBenchResult['samplesMs']): Promise<void> => {
  const keys = entries.map(entry => entry.key)
  samplesMs.write.push(await timeMs(() => store.put(entries)))
  let values: Array<Uint8Array | undefined> = []
  samplesMs.read.push(await timeMs(async () => { values = await store.get(keys) }))
  // A store that lost or changed a value must not produce figures.
  values.forEach((value, i) => {
    if (value?.byteLength !== entries[i]!.value.byteLength || value[0] !== entries[i]!.value[0]) {
      throw new StoreError('io', store.kind, `the benchmark read back a different value for key "${keys[i]}": the store lost a write, so its figures are void.`)
    }
  })
  let listed: string[] = []
  samplesMs.list.push(await timeMs(async () => { listed = await store.list() }))
  if (listed.length !== keys.length) throw new StoreError('io', store.kind, `the benchmark listed ${listed.length} keys instead of ${keys.length}: the store's list is wrong, so its figures are void.`)
  samplesMs.delete.push(await timeMs(() => store.delete(keys)))
}

/**
 * Runs the benchmark on a fresh namespace and clears it afterwards.
 * @param {StoreBenchOptions} options
 * @param {OpenStoreOptions} storeOptions passed to openStore (worker URL...)
 * @return {Promise<StoreBenchResult>} with `error` (and the samples so far) when the store failed or is unsupported here
 */
export const runStoreBench = async (options: StoreBenchOptions, storeOptions: OpenStoreOptions = {}): Promise<StoreBenchResult> => {
  const { store: kind, items, itemBytes, iterations } = storeBenchOptionsSchema.parse(options)
  const result: StoreBenchResult = { store: kind, items, samplesMs: { write: [], read: [], list: [], delete: [] } }
  const namespace = `bench-${kind}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
  let store: KeyValueStore | undefined
  try {
    store = await openStore(kind, namespace, storeOptions)
    for (let round = 0; round < iterations; round++) {
      const entries = Array.from({ length: items }, (_, i) => ({ key: `item-${String(i).padStart(6, '0')}`, value: randomBytes(itemBytes) }))
      await oneRound(store, entries, result.samplesMs)
    }
  } catch (err) {
    if (!(err instanceof StoreError)) throw err
    result.error = err.message
  } finally {
    if (store !== undefined) {
      await store.clear().catch(() => {})
      await store.close().catch(() => {})
    }
  }
  return result
}
