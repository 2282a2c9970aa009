import { test, expect } from '@playwright/test'
import { propagationSamples, spikeRecovery, type PropagationSample } from '../../../oracle/spike.ts'
import type { ReplicaStats } from '../../../client/harness/api.ts'

const spikeStartAt = 10_000
const spikeEndAt = 15_000

/** Ten samples per 100 ms from `from` to `to`, each taking `ms(t)`. */
const series = (from: number, to: number, ms: (t: number) => number): PropagationSample[] =>
  Array.from({ length: Math.floor((to - from) / 10) }, (_, i) => from + i * 10).map(t => ({ invokedAt: t, ms: ms(t) }))

test('recovery is the time from the spike end to the first window back within 1.5× the baseline', () => {
  // Baseline 10 ms; 200 ms during the spike; after it, 100 ms falling by 30 ms per second, reaching 10 ms at +3 s.
  const samples = [
    ...series(0, spikeStartAt, () => 10),
    ...series(spikeStartAt, spikeEndAt, () => 200),
    ...series(spikeEndAt, spikeEndAt + 6_000, t => Math.max(10, 100 - 30 * Math.floor((t - spikeEndAt) / 1_000)))
  ]
  const result = spikeRecovery(samples, { spikeStartAt, spikeEndAt })
  expect(result.baselineP95Ms).toBe(10)
  expect(result.limitMs).toBe(15)
  expect(result.peakP95Ms).toBe(200)
  // Windows at +0 s (100 ms), +1 s (70), +2 s (40), +3 s (10): recovered at +3 s.
  expect(result.recoveryMs).toBe(3_000)
  expect(result.windows.find(w => w.startAt === spikeEndAt)).toEqual({ startAt: spikeEndAt, p95Ms: 100, count: 100 })
})

test('windows are judged by their p95, so a few slow outliers do not delay recovery', () => {
  const samples = [
    ...series(0, spikeStartAt, () => 10),
    ...series(spikeStartAt, spikeEndAt, () => 500),
    // 3% of the first window after the spike is slow: its p95 is still fine.
    ...series(spikeEndAt, spikeEndAt + 2_000, t => ((t - spikeEndAt) / 10) % 100 < 3 ? 900 : 12)
  ]
  expect(spikeRecovery(samples, { spikeStartAt, spikeEndAt }).recoveryMs).toBe(0)
})

test('a system that never recovers has no recovery time', () => {
  const samples = [...series(0, spikeStartAt, () => 10), ...series(spikeStartAt, spikeEndAt + 5_000, () => 80)]
  const result = spikeRecovery(samples, { spikeStartAt, spikeEndAt })
  expect(result.recoveryMs).toBeNull()
  expect(result.peakP95Ms).toBe(80)
})

test('without samples before the spike there is no baseline and no recovery', () => {
  const result = spikeRecovery(series(spikeStartAt, spikeEndAt + 2_000, () => 5), { spikeStartAt, spikeEndAt })
  expect(result.baselineP95Ms).toBeNull()
  expect(result.recoveryMs).toBeNull()
})

test('the noise floor and the minimum sample count shape the judgement', () => {
  const samples = [
    ...series(0, spikeStartAt, () => 2),
    ...series(spikeStartAt, spikeEndAt, () => 300),
    { invokedAt: spikeEndAt + 10, ms: 2 },
    ...series(spikeEndAt + 1_000, spikeEndAt + 2_000, () => 8)
  ]
  // 1.5 × 2 ms = 3 ms: the lone fast sample at +0 s counts, the 8 ms window does not.
  expect(spikeRecovery(samples, { spikeStartAt, spikeEndAt }).recoveryMs).toBe(0)
  // Needing 10 samples skips the lone one; a 10 ms floor lets the 8 ms window pass.
  expect(spikeRecovery(samples, { spikeStartAt, spikeEndAt }, { minSamples: 10, minLimitMs: 10 }).recoveryMs).toBe(1_000)
  expect(spikeRecovery(samples, { spikeStartAt, spikeEndAt }, { minSamples: 10 }).recoveryMs).toBeNull()
})

test('samples come from the histories: op invoke times against when observers saw them, after they synced', () => {
  const replica = (replicaId: string, syncedAt: number, history: ReplicaStats['history'], seen: Record<string, number>): ReplicaStats => ({
    replicaId, ackMode: 'ack', state: 'synced', history, seen,
    connection: [{ t: syncedAt - 5, state: 'connecting', reason: 'initial', attempt: 0 }, { t: syncedAt, state: 'synced', reason: 'initial', attempt: 0 }],
    bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0, reconnectAttempts: 0, pendingAcks: 0, storeTimings: [], errors: []
  })
  const stats = [
    replica('a', 100, [{ opId: 'a:0', kind: 'create', invokedAt: 150 }, { opId: 'a:1', kind: 'read', invokedAt: 160 }, { opId: 'a:2', kind: 'update', invokedAt: 900 }], { 'b:0': 180 }),
    // b joined at 500: a:0 (invoked at 150) reached it by its initial load, a:2 by propagation.
    replica('b', 500, [{ opId: 'b:0', kind: 'create', invokedAt: 170 }], { 'a:0': 520, 'a:2': 930 })
  ]
  expect(propagationSamples(stats).sort((x, y) => x.invokedAt - y.invokedAt)).toEqual([
    { invokedAt: 170, ms: 10 },
    { invokedAt: 900, ms: 30 }
  ])
})
