/**
 * Names and ratios of the OPFS benchmark's figures (DESIGN §4 "OPFS latency"),
 * shared by the scenario that records them and the dashboard that reads them.
 *
 *   opfs.<store>.<op>.<items>.<sample>                       HDR histogram, ms
 *   opfs.<store>.<op>.<items>.<sample>.ratioToIndexedDB.p50  number: store p50 / IndexedDB p50
 *   opfs.<store>.<op>.<items>.<sample>.ratioToIndexedDB.p95  number: store p95 / IndexedDB p95
 *
 * store: opfs-main (file per key, main thread) | opfs-worker (file per key,
 * worker) | opfs-log (one log, worker) | indexeddb | sdk (the client's own
 * store, from its adapter's openBenchStore); op: write | read | list | delete |
 * restore | compact; sample: `batch` (one sample = one store call with all
 * `items`) or `item` (one sample = one call with one item, on a store of up
 * to `items` keys). list is always one list() of `items` keys, restore one
 * reopen + list + read of all `items`, compact one compaction of `items` live
 * keys (stores that have one). Ratios above 1 mean slower than IndexedDB.
 * Pure functions only.
 *
 * @module metrics/opfs-figures
 */
import type { LatencyHistogram } from './histogram.ts'
import type { FigureName } from './registry.ts'

export const benchStores = ['opfs-main', 'opfs-worker', 'opfs-log', 'indexeddb', 'sdk'] as const
export type BenchStore = (typeof benchStores)[number]
export const benchOps = ['write', 'read', 'list', 'delete', 'restore', 'compact'] as const
export type BenchOp = (typeof benchOps)[number]
export type BenchSample = 'batch' | 'item'
export type RatioPercentile = 'p50' | 'p95'

/** One cell of the benchmark: an op at one size and sample kind. */
export interface BenchCell { op: BenchOp, items: number, sample: BenchSample }

/** @return {string} the histogram figure of one store and cell */
export const opfsFigure = (store: BenchStore, { op, items, sample }: BenchCell): FigureName => `opfs.${store}.${op}.${items}.${sample}`

/** @return {string} the ratio figure of one OPFS store and cell */
export const opfsRatioFigure = (store: BenchStore, { op, items, sample }: BenchCell, p: RatioPercentile): FigureName => `opfs.${store}.${op}.${items}.${sample}.ratioToIndexedDB.${p}`

const pattern = /^opfs\.(opfs-main|opfs-worker|opfs-log|indexeddb|sdk)\.(write|read|list|delete|restore|compact)\.(\d+)\.(batch|item)(?:\.ratioToIndexedDB\.(p50|p95))?$/

/**
 * @param {string} name a figure name
 * @return the store, cell and (for a ratio) its percentile; undefined for any other figure
 */
export const parseOpfsFigure = (name: string): { store: BenchStore, cell: BenchCell, ratio?: RatioPercentile } | undefined => {
  const m = pattern.exec(name)
  if (m === null) return undefined
  const cell: BenchCell = { op: m[2] as BenchOp, items: Number(m[3]), sample: m[4] as BenchSample }
  return m[5] === undefined ? { store: m[1] as BenchStore, cell } : { store: m[1] as BenchStore, cell, ratio: m[5] as RatioPercentile }
}

/**
 * A store's percentile over IndexedDB's, or why there is none: a side with
 * no samples (it failed), or a browser clock too coarse to divide by.
 * @param {LatencyHistogram | undefined} store
 * @param {LatencyHistogram | undefined} indexedDb
 * @param {number} percentile e.g. 50
 * @return {{ ratio: number } | { unavailable: string, capability?: 'fine-timers' }}
 */
export const ratioToIndexedDb = (store: LatencyHistogram | undefined, indexedDb: LatencyHistogram | undefined, percentile: number): { ratio: number } | { unavailable: string, capability?: 'fine-timers' } => {
  if (store === undefined || store.count === 0) return { unavailable: 'the store has no samples' }
  if (indexedDb === undefined || indexedDb.count === 0) return { unavailable: 'IndexedDB has no samples' }
  const base = indexedDb.percentile(percentile)
  if (base <= 0) return { unavailable: `IndexedDB's p${percentile} is 0 at this browser's timer resolution`, capability: 'fine-timers' }
  return { ratio: store.percentile(percentile) / base }
}

/**
 * Which store was fastest: per cell, the store with the lowest p50 gets it
 * (compaction is left out, only the log has one; a tie goes to the first listed).
 * @param {Array<Map<BenchStore, LatencyHistogram | undefined>>} cells per cell, each store's histogram
 * @return {{ store: BenchStore, won: number, of: number } | undefined} the store that won most cells; undefined without any
 */
export const fastestStore = (cells: Array<{ op: BenchOp, byStore: Map<BenchStore, LatencyHistogram | undefined> }>): { store: BenchStore, won: number, of: number } | undefined => {
  const wins = new Map<BenchStore, number>()
  let of = 0
  for (const { op, byStore } of cells) {
    if (op === 'compact') continue
    const ranked = [...byStore].filter((entry): entry is [BenchStore, LatencyHistogram] => entry[1] !== undefined && entry[1].count > 0)
      .sort((a, b) => a[1].percentile(50) - b[1].percentile(50))
    if (ranked.length < 2) continue
    of += 1
    wins.set(ranked[0]![0], (wins.get(ranked[0]![0]) ?? 0) + 1)
  }
  const best = [...wins].sort((a, b) => b[1] - a[1])[0]
  return best === undefined ? undefined : { store: best[0], won: best[1], of }
}

/**
 * The StoreError code at the start of a bench error (`[store] code: …`).
 * @param {string} message
 * @return {string} e.g. 'unsupported'; 'io' when the message has no code
 */
export const storeErrorCodeOf = (message: string): string => /^\[[^\]]+\] ([\w-]+):/.exec(message)?.[1] ?? 'io'
