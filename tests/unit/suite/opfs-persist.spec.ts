/**
 * The pure parts of @opfs and @persist: figure names and ratios, store
 * latency from replica timings, and the restore check after a reload (it must
 * fire on a lost op, a changed digest and a restore after network traffic).
 */
import { test, expect } from '@playwright/test'
import { LatencyHistogram } from '../../../metrics/histogram.ts'
import { opfsFigure, opfsRatioFigure, parseOpfsFigure, ratioToIndexedDb, storeErrorCodeOf } from '../../../metrics/opfs-figures.ts'
import { storeLatencyHistograms } from '../../../oracle/store-latency.ts'
import { restoreProblem } from '../../../oracle/restore.ts'
import type { ReplicaStats } from '../../../client/harness/api.ts'

const histogram = (samplesMs: number[]): LatencyHistogram => {
  const h = new LatencyHistogram()
  for (const ms of samplesMs) h.record(ms)
  return h
}

const stats = (over: Partial<ReplicaStats> = {}): ReplicaStats => ({
  replicaId: 'r', ackMode: 'ack', state: 'synced', history: [], seen: {}, connection: [],
  bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0, reconnectAttempts: 0, pendingAcks: 0, storeTimings: [], errors: [], ...over
})

test('OPFS figure names round-trip, ratios included; other figures are not OPFS figures', () => {
  const cell = { op: 'write', items: 1000, sample: 'item' } as const
  expect(opfsFigure('opfs-worker', cell)).toBe('opfs.opfs-worker.write.1000.item')
  expect(parseOpfsFigure(opfsFigure('opfs-worker', cell))).toEqual({ store: 'opfs-worker', cell })
  expect(parseOpfsFigure(opfsRatioFigure('opfs-main', cell, 'p95'))).toEqual({ store: 'opfs-main', cell, ratio: 'p95' })
  for (const other of ['propagationMs', 'opfs.opfs-main.put.100', 'opfs.sqlite.write.10.batch', 'opfsUndersampled']) expect(parseOpfsFigure(other)).toBeUndefined()
})

test('the ratio to IndexedDB divides percentiles, and says why when it cannot', () => {
  const idb = histogram([...Array(90).fill(2), ...Array(10).fill(8)])
  const opfs = histogram([...Array(90).fill(20), ...Array(10).fill(16)])
  const p50 = ratioToIndexedDb(opfs, idb, 50)
  expect('ratio' in p50 && p50.ratio).toBeCloseTo(10, 1)
  const p95 = ratioToIndexedDb(opfs, idb, 95)
  expect('ratio' in p95 && p95.ratio).toBeCloseTo(2.5, 1)
  expect(ratioToIndexedDb(opfs, histogram([0, 0, 0]), 50)).toEqual({ unavailable: 'IndexedDB\'s p50 is 0 at this browser\'s timer resolution', capability: 'fine-timers' })
  expect(ratioToIndexedDb(undefined, idb, 50)).toEqual({ unavailable: 'the store has no samples' })
  expect(ratioToIndexedDb(opfs, new LatencyHistogram(), 50)).toEqual({ unavailable: 'IndexedDB has no samples' })
  expect(storeErrorCodeOf('[opfs-worker] unsupported: Worker is not available here')).toBe('unsupported')
  expect(storeErrorCodeOf('something else')).toBe('io')
})

test('store latency under load: appends and compactions of every replica, nothing without a store', () => {
  const { append, compact } = storeLatencyHistograms([
    stats({ storeTimings: [{ op: 'open', ms: 50 }, { op: 'load', ms: 9 }, { op: 'append', ms: 1 }, { op: 'append', ms: 3 }] }),
    stats({ replicaId: 's', storeTimings: [{ op: 'append', ms: 5 }, { op: 'compact', ms: 40 }] })
  ])
  expect(append.count).toBe(3)
  expect(append.max).toBeCloseTo(5, 1)
  expect(compact.count).toBe(1)
  expect(storeLatencyHistograms([stats()]).append.count).toBe(0)
})

test('the restore check fires on a lost op id, a changed digest, no restore, or a restore after network traffic', () => {
  const before = { stats: stats(), opIds: ['a:0', 'a:1', 'b:0'], digest: 'd1' }
  const restored = stats({ restoredFromStore: { at: 1, updates: 3, beforeNetwork: true } })
  expect(restoreProblem(before, { stats: restored, opIds: ['a:0', 'a:1', 'b:0'], digest: 'd1' })).toBeUndefined()
  expect(restoreProblem(before, { stats: restored, opIds: ['a:0', 'b:0'], digest: 'd2' })).toBe('1 op id(s) it held before the reload are gone: a:1')
  expect(restoreProblem(before, { stats: restored, opIds: ['a:0', 'a:1', 'b:0'], digest: 'd2' })).toContain('digest changed')
  expect(restoreProblem(before, { stats: stats(), opIds: before.opIds, digest: 'd1' })).toBe('it did not restore from its store')
  expect(restoreProblem(before, { stats: stats({ restoredFromStore: { at: 1, updates: 3, beforeNetwork: false } }), opIds: before.opIds, digest: 'd1' })).toBe('it restored only after network messages arrived')
})
