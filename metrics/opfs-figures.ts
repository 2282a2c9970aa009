/**
 * Names and ratios of the OPFS benchmark's figures (DESIGN §4 "OPFS latency"),
 * shared by the scenario that records them and the dashboard that reads them.
 *
 *   opfs.<store>.<op>.<items>.<sample>                       HDR histogram, ms
 *   opfs.<store>.<op>.<items>.<sample>.ratioToIndexedDB.p50  number: store p50 / IndexedDB p50
 *   opfs.<store>.<op>.<items>.<sample>.ratioToIndexedDB.p95  number: store p95 / IndexedDB p95
 *
 * store: opfs-main | opfs-worker | indexeddb; op: write | read | list | delete;
 * sample: `batch` (one sample = one store call with all `items`) or `item`
 * (one sample = one call with one item, on a store of up to `items` keys;
 * list is always one list() of `items` keys). Ratios above 1 mean slower than
 * IndexedDB. Pure functions only.
 *
 * @module metrics/opfs-figures
 */
import type { LatencyHistogram } from './histogram.ts'
import type { FigureName } from './registry.ts'

export const benchStores = ['opfs-main', 'opfs-worker', 'indexeddb'] as const
export type BenchStore = (typeof benchStores)[number]
export const benchOps = ['write', 'read', 'list', 'delete'] as const
export type BenchOp = (typeof benchOps)[number]
export type BenchSample = 'batch' | 'item'
export type RatioPercentile = 'p50' | 'p95'

/** One cell of the benchmark: an op at one size and sample kind. */
export interface BenchCell { op: BenchOp, items: number, sample: BenchSample }

/** @return {string} the histogram figure of one store and cell */
export const opfsFigure = (store: BenchStore, { op, items, sample }: BenchCell): FigureName => `opfs.${store}.${op}.${items}.${sample}`

/** @return {string} the ratio figure of one OPFS store and cell */
export const opfsRatioFigure = (store: BenchStore, { op, items, sample }: BenchCell, p: RatioPercentile): FigureName => `opfs.${store}.${op}.${items}.${sample}.ratioToIndexedDB.${p}`

const pattern = /^opfs\.(opfs-main|opfs-worker|indexeddb)\.(write|read|list|delete)\.(\d+)\.(batch|item)(?:\.ratioToIndexedDB\.(p50|p95))?$/

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
 * The StoreError code at the start of a bench error (`[store] code: …`).
 * @param {string} message
 * @return {string} e.g. 'unsupported'; 'io' when the message has no code
 */
export const storeErrorCodeOf = (message: string): string => /^\[[^\]]+\] ([\w-]+):/.exec(message)?.[1] ?? 'io'
