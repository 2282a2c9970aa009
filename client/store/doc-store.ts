/**
 * Persists a Y.Doc as its list of updates on any KeyValueStore.
 *
 *   key   = 16-digit zero-padded sequence number, so list() order = append order
 *   value = one Yjs update (or a merged state after compact)
 *
 * compact() writes the merged entry first and deletes the older ones after, so
 * a crash in between leaves both, which Yjs applies harmlessly. Operations run
 * one at a time in call order.
 *
 * @module client/store/doc-store
 */
import { openStore, type OpenStoreOptions } from './open.ts'
import type { KeyValueStore, StoreChoice, StoreLabel } from './store.ts'

/** One store op and how long it took, in ms (storeTimingSchema in client/harness/api.ts). */
export interface StoreTiming { op: string, ms: number }

export interface DocStore {
  readonly kind: StoreLabel
  /** Every stored update, in append order. */
  loadUpdates: () => Promise<Uint8Array[]>
  /** Stores one update durably. */
  appendUpdate: (update: Uint8Array) => Promise<void>
  /** Replaces every stored update with `merged`, which must contain all of them (e.g. Y.encodeStateAsUpdate(doc)). */
  compact: (merged: Uint8Array) => Promise<void>
  /** Durations of the latest store ops (at most maxTimings, oldest dropped first). */
  readonly timings: StoreTiming[]
  close: () => Promise<void>
}

const seqDigits = 16
const seqKey = (seq: number): string => String(seq).padStart(seqDigits, '0')
const isSeqKey = (key: string): boolean => /^\d{16}$/.test(key)

/**
 * Wraps an open KeyValueStore; the DocStore owns it from now on and closes it.
 * @param {KeyValueStore} store
 * @param {number} maxTimings how many timings to keep
 * @return {Promise<DocStore>}
 */
export const createDocStore = async (store: KeyValueStore, maxTimings = 10_000): Promise<DocStore> => {
  const timings: StoreTiming[] = []
  const timed = async <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    try {
      return await fn()
    } finally {
      timings.push({ op, ms: performance.now() - started })
      if (timings.length > maxTimings) timings.splice(0, timings.length - maxTimings)
    }
  }
  const seqKeys = async (): Promise<string[]> => (await timed('list', () => store.list())).filter(isSeqKey)

  const existing = await seqKeys()
  let nextSeq = existing.length === 0 ? 0 : Number(existing[existing.length - 1]) + 1
  // Ops run in call order: a compact never overtakes an append called before it.
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn)
    queue = run.catch(() => {})
    return run
  }

  return {
    kind: store.kind,
    timings,
    loadUpdates: () => serial(async () => {
      const keys = await seqKeys()
      const values = await timed('get', () => store.get(keys))
      return values.filter((value): value is Uint8Array => value !== undefined)
    }),
    appendUpdate: update => serial(async () => {
      const key = seqKey(nextSeq++)
      await timed('put', () => store.put([{ key, value: update }]))
    }),
    compact: merged => serial(async () => {
      const mergedKey = seqKey(nextSeq++)
      await timed('put', () => store.put([{ key: mergedKey, value: merged }]))
      const older = (await seqKeys()).filter(key => key < mergedKey)
      if (older.length > 0) await timed('delete', () => store.delete(older))
    }),
    close: () => serial(() => store.close())
  }
}

/**
 * Opens a store of the given kind and the DocStore on it.
 * @param {StoreChoice} kind a kind, or 'auto' (client/store/open.ts)
 * @param {string} namespace one replica's storage
 * @param {OpenStoreOptions} options passed to openStore
 * @return {Promise<DocStore>}
 */
export const openDocStore = async (kind: StoreChoice, namespace: string, options: OpenStoreOptions = {}): Promise<DocStore> =>
  createDocStore(await openStore(kind, namespace, options))
