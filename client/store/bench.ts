/**
 * The OPFS latency benchmark (DESIGN §4). Each round, on a fresh namespace,
 * writes `items` values of `itemBytes` random bytes, reads them all back
 * (checking them), lists the keys `listCalls` times, restores `restoreCalls`
 * times, compacts `compactCalls` times (stores that have compaction), and
 * deletes them all. What one sample is depends on `sample`:
 *
 *   batch  one store call carrying all `items` entries or keys: one write,
 *          one read and one delete sample per round
 *   item   one store call carrying one entry or key, made `items` times in a
 *          row: `items` write, read and delete samples per round, taken on a
 *          store that holds up to `items` keys
 *
 * A list sample is always one list() of a store holding `items` keys. A
 * restore sample is what a page load does: open the namespace anew (a new
 * worker, a new connection), list it and read every value in one call. A
 * compact sample is one compaction of a store holding `items` live keys.
 * Samples are in ms; the suite builds histograms from them. With `budgetMs`,
 * nothing new starts after the budget: a cut round keeps its samples so far
 * but is not counted in `rounds`.
 *
 * @module client/store/bench
 */
import { storeBenchOptionsSchema, type StoreBenchOptions, type StoreBenchResult } from '../harness/api.ts'
import { openStore, type OpenStoreOptions } from './open.ts'
import { StoreError, type KeyValueStore, type StoreEntry } from './store.ts'

type Samples = StoreBenchResult['samplesMs']

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

/** A store that lost or changed a value must not produce figures. */
const checkValues = (store: KeyValueStore, entries: StoreEntry[], values: Array<Uint8Array | undefined>): void => {
  values.forEach((value, i) => {
    const expected = entries[i]!.value
    if (value?.byteLength !== expected.byteLength || value[0] !== expected[0] || value[value.length - 1] !== expected[expected.length - 1]) {
      throw new StoreError('io', store.kind, `the benchmark read back a different value for key "${entries[i]!.key}": the store lost a write, so its figures are void.`)
    }
  })
}

/**
 * Times one call with every part (batch) or one call per part (item).
 * @return {Promise<boolean>} false when the deadline passed before every part was timed
 */
const timeCalls = async <T>(mode: 'batch' | 'item', parts: T[], call: (parts: T[]) => Promise<unknown>, into: number[], deadline: number): Promise<boolean> => {
  if (mode === 'batch') {
    into.push(await timeMs(() => call(parts)))
    return true
  }
  for (const part of parts) {
    if (performance.now() >= deadline) return false
    into.push(await timeMs(() => call([part])))
  }
  return true
}

/** Opens the namespace of one benchmark run; a new call is a new open (a restore). */
export type BenchStoreOpener = (namespace: string) => Promise<KeyValueStore>

interface Round {
  /** The store; a restore replaces it with the reopened one. */
  store: KeyValueStore
  open: BenchStoreOpener
  namespace: string
}

/** @return {Promise<boolean>} false when the round was cut short by the deadline (its samples so far are kept) */
const oneRound = async (round: Round, entries: StoreEntry[], options: { sample: 'batch' | 'item', listCalls: number, restoreCalls: number, compactCalls: number }, samplesMs: Samples, deadline: number): Promise<boolean> => {
  const keys = entries.map(entry => entry.key)
  const { sample: mode } = options
  if (!await timeCalls(mode, entries, part => round.store.put(part), samplesMs.write, deadline)) return false
  const values: Array<Uint8Array | undefined> = []
  if (!await timeCalls(mode, keys, async part => { values.push(...await round.store.get(part)) }, samplesMs.read, deadline)) return false
  checkValues(round.store, entries, values)
  for (let call = 0; call < options.listCalls; call++) {
    if (performance.now() >= deadline) return false
    let listed: string[] = []
    samplesMs.list.push(await timeMs(async () => { listed = await round.store.list() }))
    if (listed.length !== keys.length) throw new StoreError('io', round.store.kind, `the benchmark listed ${listed.length} keys instead of ${keys.length}: the store's list is wrong, so its figures are void.`)
  }
  for (let call = 0; call < options.restoreCalls; call++) {
    if (performance.now() >= deadline) return false
    await round.store.close()
    let restored: Array<Uint8Array | undefined> = []
    samplesMs.restore.push(await timeMs(async () => {
      round.store = await round.open(round.namespace)
      restored = await round.store.get(await round.store.list())
    }))
    checkValues(round.store, entries, restored)
  }
  const compact = round.store.compact
  for (let call = 0; call < options.compactCalls && compact !== undefined; call++) {
    if (performance.now() >= deadline) return false
    samplesMs.compact.push(await timeMs(() => compact()))
  }
  return await timeCalls(mode, keys, part => round.store.delete(part), samplesMs.delete, deadline)
}

/**
 * Runs the benchmark on a fresh namespace and clears it afterwards.
 * @param {StoreBenchOptions} options
 * @param {OpenStoreOptions} storeOptions passed to openStore (worker URL...)
 * @param {BenchStoreOpener} openSdkStore the client's own store, for `store: 'sdk'` (an adapter's openBenchStore hook)
 * @return {Promise<StoreBenchResult>} with `error` (and the samples so far) when the store failed or is unsupported here
 */
export const runStoreBench = async (options: StoreBenchOptions, storeOptions: OpenStoreOptions = {}, openSdkStore?: BenchStoreOpener): Promise<StoreBenchResult> => {
  const { store: kind, items, itemBytes, iterations, sample, listCalls, restoreCalls, compactCalls, budgetMs } = storeBenchOptionsSchema.parse(options)
  const result: StoreBenchResult = {
    store: kind,
    items,
    samplesMs: { write: [], read: [], list: [], delete: [], restore: [], compact: [] },
    rounds: 0,
    crossOriginIsolated: globalThis.crossOriginIsolated === true
  }
  const namespace = `bench-${kind}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
  const deadline = budgetMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + budgetMs
  const open: BenchStoreOpener = kind === 'sdk'
    ? openSdkStore ?? (async () => { throw new StoreError('unsupported', 'sdk', 'this client\'s adapter exports no openBenchStore hook, so its own store cannot be timed: add one (README, "Measuring your store").') })
    : ns => openStore(kind, ns, storeOptions)
  let round: Round | undefined
  try {
    round = { store: await open(namespace), open, namespace }
    result.compacts = round.store.compact !== undefined
    for (let r = 0; r < iterations && performance.now() < deadline; r++) {
      const entries = Array.from({ length: items }, (_, i) => ({ key: `item-${String(i).padStart(6, '0')}`, value: randomBytes(itemBytes) }))
      if (!await oneRound(round, entries, { sample, listCalls, restoreCalls, compactCalls }, result.samplesMs, deadline)) break
      result.rounds = r + 1
    }
  } catch (err) {
    if (!(err instanceof StoreError)) throw err
    result.error = err.message
  } finally {
    if (round !== undefined) {
      await round.store.clear().catch(() => {})
      await round.store.close().catch(() => {})
    }
  }
  return result
}
