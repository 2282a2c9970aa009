/**
 * Recovery figures from connection events (oracle/reconnect.ts): a replica
 * that reconnected is timed by its `open` and `synced` after the heal; one
 * that kept its connection through the fault (its timeout is longer, and TCP
 * delivered what the fault held) is timed by when the last write invoked
 * before the heal (by another replica of its room) reached it, so a partition it
 * rode out is still judged, and one it never recovered from is not timed at 0.
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
  // In another room: none of w's writes were on their way to it.
  const elsewhere = replica('e', { seen: {} })
  const roomOf = (id: string): string => id === 'e' ? 'room-2' : 'room-1'
  const figures = reconnectFigures([kept, elsewhere], faultAt, healedAt, [writer, kept, elsewhere], roomOf)
  expect(figures.keptConnection).toEqual(['k', 'e'])
  expect(figures.timeToReconnect.count).toBe(0)
  expect(figures.timeToResync.count).toBe(2)
  expect(figures.timeToResync.max).toBeCloseTo(60, 0)
  expect(figures.neverResynced.size).toBe(0)
  expect(reconnectFigures([elsewhere], faultAt, healedAt, [writer, elsewhere], roomOf).timeToResync.max).toBe(0)
})

test('a replica that kept its connection and never received its room\'s writes from before the heal never resynced: no time of 0 for it', () => {
  const writer = replica('w', { history: [{ opId: 'w:1', kind: 'create', invokedAt: 12_000 }, { opId: 'w:2', kind: 'update', invokedAt: 18_000 }, { opId: 'w:r', kind: 'read', invokedAt: 18_500 }] })
  // w:2 never arrived; a read is never seen by anyone and does not count.
  const stuck = replica('s', { seen: { 'w:1': 19_040 } })
  const figures = reconnectFigures([stuck], faultAt, healedAt, [writer, stuck])
  expect(figures.keptConnection).toEqual(['s'])
  expect(figures.timeToResync.count).toBe(0)
  expect([...figures.neverResynced]).toEqual([['s', 1]])
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
