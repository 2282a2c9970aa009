import { test, expect } from '@playwright/test'
import { readPrometheus } from '../../../metrics/prometheus.ts'
import { fitHeap } from '../../../metrics/leak.ts'
import { formatSoakStatus, soakStatus } from '../../../scenarios/soak.ts'
import type { HeapSettings } from '../../../profiles/schema.ts'
import type { ReplicaStats } from '../../../client/harness/api.ts'

const settings: HeapSettings = {
  sampling: 'gc', sampleIntervalMs: 5_000, warmupSamples: 2, minSamples: 6, bootstrapResamples: 300, confidence: 0.95,
  client: { bytesPerMin: 500_000, bytesPerOp: 2_000 }, server: { bytesPerMin: 1_000_000, bytesPerOp: 4_000, bytesPerConnection: 16_384 },
  serverRss: { bytesPerMin: 4_000_000, bytesPerOp: 16_000, bytesPerConnection: 16_384 }
}

test('readPrometheus reads unlabelled samples and sums labelled ones', () => {
  const text = [
    '# HELP sync_connections Open WebSocket connections.',
    '# TYPE sync_connections gauge',
    'sync_connections 12',
    'sync_connections_closed_total{reason="client"} 3',
    'sync_connections_closed_total{reason="server"} 4',
    'process_resident_memory_bytes 1.5e+08',
    'nodejs_eventloop_lag_p99_seconds NaN'
  ].join('\n')
  expect(readPrometheus(text, ['sync_connections', 'sync_connections_closed_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'absent']))
    .toEqual({ sync_connections: 12, sync_connections_closed_total: 7, process_resident_memory_bytes: 150_000_000 })
})

/** Heap samples every 5 s with `perMin` growth and ops at 4 per second. */
const track = (perMin: number, n = 12): { time: Array<[number, number]>, ops: Array<[number, number]> } => {
  const time = Array.from({ length: n }, (_, i) => [1_700_000_000_000 + i * 5_000, 10_000_000 + perMin * i / 12 + (i % 3) * 2_000] as [number, number])
  return { time, ops: time.map(([, bytes], i) => [i * 20, bytes] as [number, number]) }
}

test('fitHeap: a leak needs both the time and the ops fit above their thresholds', () => {
  const leaking = fitHeap('heap.p0', track(1_200_000), settings, settings.client, 1)
  expect(leaking.leak).toBe(true)
  expect(leaking.time!.slope).toBeGreaterThan(1_000_000)
  // 1.2 MB/min at 240 ops/min is 5 kB/op: above the per-op bound too.
  expect(leaking.ops!.slope).toBeCloseTo(5_000, -2)
  expect(fitHeap('heap.p0', track(100_000), settings, settings.client, 1).leak).toBe(false)
  // Fast growth per minute but cheap per op (many ops): not a leak.
  const manyOps = track(1_200_000)
  manyOps.ops = manyOps.ops.map(([ops, bytes]) => [ops * 100, bytes])
  expect(fitHeap('heap.p0', manyOps, settings, settings.client, 1).leak).toBe(false)
})

test('fitHeap: too few samples give no verdict, and no ops fit without ops', () => {
  expect(fitHeap('heap.p0', track(1_200_000, 5), settings, settings.client, 1).leak).toBeUndefined()
  const timeOnly = fitHeap('server.heapBytes', { ...track(1_200_000), ops: [] }, settings, settings.server, 1)
  expect(timeOnly.ops).toBeUndefined()
  expect(timeOnly.leak).toBe(true)
})

const stats = (ops: Array<{ kind: 'create' | 'read', acked: boolean }>, reconnectAttempts: number): ReplicaStats => ({
  replicaId: 'r', ackMode: 'ack', state: 'synced', seen: {}, connection: [], bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0,
  reconnectAttempts, pendingAcks: 0, storeTimings: [], errors: [],
  history: ops.map((op, i) => ({ opId: `r:${i}`, kind: op.kind, invokedAt: i, ...(op.acked ? { ackedAt: i + 1 } : {}) }))
})

test('soakStatus counts acknowledged writes, ignores reads, and sums reconnects', () => {
  const status = soakStatus([
    stats([{ kind: 'create', acked: true }, { kind: 'read', acked: false }, { kind: 'create', acked: false }], 1),
    stats([{ kind: 'create', acked: true }], 2)
  ], 3_723_000, 4, { rounds: 3, clientBytes: { a: 2_097_152, b: 1_048_576 }, serverBytes: undefined })
  expect(status).toMatchObject({ writes: 3, acked: 2, reconnects: 3, clientHeapBytesMax: 2_097_152, serverHeapBytes: undefined })
  expect(status.successRate).toBeCloseTo(2 / 3)
  expect(formatSoakStatus(status)).toBe('soak: uptime 1:02:03, ops 4, success 66.67% (2/3 acked), reconnects 3, heap max page 2.0 MiB, server n/m')
})
