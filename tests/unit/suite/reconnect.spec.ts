/**
 * Recovery figures from connection events (oracle/reconnect.ts): a replica
 * that reconnected is timed by its `open` and `synced` after the heal; one
 * that kept its connection through the fault (its timeout is longer, and TCP
 * delivered what the fault held) is timed by when the last write invoked
 * before the heal reached it, so a partition it rode out is still judged.
 */
import { test, expect } from '@playwright/test'
import { reconnectFigures } from '../../../oracle/reconnect.ts'
import type { ReplicaStats } from '../../../client/harness/api.ts'

const replica = (replicaId: string, over: Partial<ReplicaStats>): ReplicaStats => ({
  replicaId, ackMode: 'no-ack', state: 'synced', history: [], seen: {}, connection: [], bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0,
  reconnectAttempts: 0, pendingAcks: 0, storeTimings: [], errors: [], ...over
})

const faultAt = 10_000
const healedAt = 19_000

test('a replica that kept its connection resyncs when the last write from before the heal reaches it', () => {
  const writer = replica('w', { history: [{ opId: 'w:1', kind: 'create', invokedAt: 12_000 }, { opId: 'w:2', kind: 'create', invokedAt: 18_000 }, { opId: 'w:3', kind: 'create', invokedAt: 19_500 }] })
  // Behind the fault: w:1 and w:2 arrive after the heal; w:3 was invoked after it and does not count.
  const kept = replica('k', { connection: [{ t: 0, state: 'connecting', reason: 'initial', attempt: 1 }, { t: 5, state: 'open', reason: 'initial', attempt: 1 }], seen: { 'w:1': 19_040, 'w:2': 19_060, 'w:3': 19_600 } })
  const idle = replica('i', { seen: {} })
  const figures = reconnectFigures([kept, idle], faultAt, healedAt, [writer, kept, idle])
  expect(figures.keptConnection).toEqual(['k', 'i'])
  expect(figures.timeToReconnect.count).toBe(0)
  expect(figures.timeToResync.count).toBe(2)
  expect(figures.timeToResync.max).toBeCloseTo(60, 0)
  // Nothing was on its way to the idle one: it had nothing to catch up.
  expect(reconnectFigures([idle], faultAt, healedAt, [writer, idle]).timeToResync.max).toBe(0)
})

test('a replica that reconnected is timed by its open and synced after the heal', () => {
  const back = replica('b', {
    connection: [
      { t: 14_000, state: 'closed', reason: 'heartbeat-timeout', attempt: 1 },
      { t: 14_100, state: 'connecting', reason: 'reconnect', attempt: 1 },
      { t: 19_100, state: 'open', reason: 'reconnect', attempt: 1 },
      { t: 19_250, state: 'synced', reason: 'reconnect', attempt: 0 }
    ]
  })
  const figures = reconnectFigures([back], faultAt, healedAt)
  expect(figures.keptConnection).toEqual([])
  expect(figures.timeToReconnect.max).toBeCloseTo(100, 0)
  expect(figures.timeToResync.max).toBeCloseTo(250, 0)
  expect(figures.firstRetryDelaysMs).toEqual([4_100])
})
