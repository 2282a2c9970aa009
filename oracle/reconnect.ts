/**
 * Reconnection figures (DESIGN §4), from the replicas' connection events:
 *   time to reconnect = first `open` after the fault healed − heal time;
 *   time to resync    = first `synced` after the fault healed − heal time;
 *                       for a replica that kept its connection through the
 *                       fault (its timeout is longer than the fault, and TCP
 *                       delivered what the fault held): when the last remote
 *                       write invoked before the heal became visible there −
 *                       heal time (0 when none was still on its way);
 *   first retry       = first reconnect attempt after the fault started;
 *   reconnect spread  = interdecile range (p90 − p10) of first-retry delays:
 *                       near 0 means every client retried at once (no jitter);
 *   unexpected disconnects = closes outside every fault window (plus a grace
 *                       period) that the replica did not ask for.
 *
 * @module oracle/reconnect
 */
import type { ReplicaStats } from '../client/harness/api.ts'
import { LatencyHistogram } from '../metrics/histogram.ts'

export interface Window { startAt: number, endAt: number | null }

export interface ReconnectFigures {
  timeToReconnect: LatencyHistogram
  timeToResync: LatencyHistogram
  /** Per replica, ms from the fault to its first retry. */
  firstRetryDelaysMs: number[]
  reconnectSpreadMs: number
  reconnectAttempts: number
  /** Replicas that never reconnected after the heal. */
  notReconnected: string[]
  /** Replicas that kept their connection through the fault (their resync is timed by the writes that reached them). */
  keptConnection: string[]
}

const quantile = (sorted: number[], q: number): number => {
  if (sorted.length === 0) return 0
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

/** Ms after the heal until every remote write invoked before it was visible at `replica`; 0 when none was still on its way. */
const heldResyncMs = (replica: ReplicaStats, invokedAt: Map<string, number>, healedAt: number): number => {
  let last = healedAt
  for (const [opId, t] of Object.entries(replica.seen)) {
    if (t > last && (invokedAt.get(opId) ?? Number.POSITIVE_INFINITY) < healedAt) last = t
  }
  return last - healedAt
}

/**
 * @param {ReplicaStats[]} stats the replicas behind the fault
 * @param {number} faultAt when the fault started (epoch ms)
 * @param {number} healedAt when it was healed (epoch ms; = faultAt for an instant fault such as a reset)
 * @param {ReplicaStats[]} everyone every replica of the run, for the invoke times of the writes (the replicas behind the fault by default)
 */
export const reconnectFigures = (stats: ReplicaStats[], faultAt: number, healedAt: number, everyone: ReplicaStats[] = stats): ReconnectFigures => {
  const timeToReconnect = new LatencyHistogram()
  const timeToResync = new LatencyHistogram()
  const firstRetryDelaysMs: number[] = []
  const notReconnected: string[] = []
  const keptConnection: string[] = []
  const invokedAt = new Map(everyone.flatMap(replica => replica.history.map(op => [op.opId, op.invokedAt] as const)))
  let reconnectAttempts = 0
  for (const replica of stats) {
    const after = replica.connection.filter(e => e.t >= faultAt)
    const disconnected = after.some(e => e.state === 'closed')
    if (!disconnected) {
      keptConnection.push(replica.replicaId)
      timeToResync.record(heldResyncMs(replica, invokedAt, healedAt))
      continue
    }
    reconnectAttempts += after.filter(e => e.state === 'connecting' && e.reason === 'reconnect').length
    const firstRetry = after.find(e => e.state === 'connecting' && e.reason === 'reconnect')
    if (firstRetry !== undefined) firstRetryDelaysMs.push(firstRetry.t - faultAt)
    const open = replica.connection.find(e => e.t >= healedAt && e.state === 'open')
    const synced = replica.connection.find(e => e.t >= healedAt && e.state === 'synced')
    if (open === undefined || synced === undefined) {
      notReconnected.push(replica.replicaId)
      continue
    }
    timeToReconnect.record(open.t - healedAt)
    timeToResync.record(synced.t - healedAt)
  }
  const sorted = [...firstRetryDelaysMs].sort((a, b) => a - b)
  return {
    timeToReconnect,
    timeToResync,
    firstRetryDelaysMs,
    reconnectSpreadMs: quantile(sorted, 0.9) - quantile(sorted, 0.1),
    reconnectAttempts,
    notReconnected,
    keptConnection
  }
}

/**
 * Closes not caused by an injected fault, nor asked for by the replica.
 * @param {ReplicaStats[]} stats
 * @param {Window[]} windows fault windows (an open window lasts until now)
 * @param {number} graceMs after a window ends, closes still count as caused by it (heartbeat detection lag)
 */
export const unexpectedDisconnects = (stats: ReplicaStats[], windows: Window[], graceMs: number): Array<{ replicaId: string, t: number, reason: string }> =>
  stats.flatMap(replica => replica.connection
    .filter(e => e.state === 'closed' && e.reason !== 'closed-by-user')
    .filter(e => !windows.some(w => e.t >= w.startAt - 50 && e.t <= (w.endAt ?? Infinity) + graceMs))
    .map(e => ({ replicaId: replica.replicaId, t: e.t, reason: e.reason })))
