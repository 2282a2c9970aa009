/**
 * Reconnection figures (DESIGN §4), from the replicas' connection events:
 *   time to reconnect = first `open` after the fault healed − heal time;
 *   time to resync    = first `synced` after the fault healed − heal time;
 *                       for a replica that kept its connection through the
 *                       fault (its timeout is longer than the fault, and TCP
 *                       delivered what the fault held): when the last write
 *                       of another replica of its room invoked before the
 *                       heal became visible there − heal time (0 when none
 *                       was still on its way; never resynced when one never
 *                       arrived);
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
  /** Of those, the ones that never received a write of their room invoked before the heal: replica id -> how many. */
  neverResynced: Map<string, number>
}

/** Which room a replica is in; every replica is in one room when not given. */
export type RoomOf = (replicaId: string) => string | undefined

interface Write { opId: string, invokedAt: number, writer: string }

const quantile = (sorted: number[], q: number): number => {
  if (sorted.length === 0) return 0
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

/**
 * Ms after the heal until every write of another replica of its room invoked before the heal was visible at `replica`:
 * 0 when none was still on its way; how many never arrived, when some did not.
 */
const heldResync = (replica: ReplicaStats, writes: Write[], healedAt: number, roomOf: RoomOf): { ms: number } | { missing: number } => {
  const room = roomOf(replica.replicaId)
  let last = healedAt
  let missing = 0
  for (const write of writes) {
    if (write.writer === replica.replicaId || write.invokedAt >= healedAt || roomOf(write.writer) !== room) continue
    const seenAt = replica.seen[write.opId]
    if (seenAt === undefined) missing += 1
    else if (seenAt > last) last = seenAt
  }
  return missing > 0 ? { missing } : { ms: last - healedAt }
}

/**
 * @param {ReplicaStats[]} stats the replicas behind the fault
 * @param {number} faultAt when the fault started (epoch ms)
 * @param {number} healedAt when it was healed (epoch ms; = faultAt for an instant fault such as a reset)
 * @param {ReplicaStats[]} everyone every replica of the run, for the invoke times of the writes (the replicas behind the fault by default)
 * @param {RoomOf} roomOf each replica's room: a kept connection waits only for its own room's writes
 */
export const reconnectFigures = (stats: ReplicaStats[], faultAt: number, healedAt: number, everyone: ReplicaStats[] = stats, roomOf: RoomOf = () => undefined): ReconnectFigures => {
  const timeToReconnect = new LatencyHistogram()
  const timeToResync = new LatencyHistogram()
  const firstRetryDelaysMs: number[] = []
  const notReconnected: string[] = []
  const keptConnection: string[] = []
  const neverResynced = new Map<string, number>()
  const writes = everyone.flatMap(replica => replica.history.flatMap(op => op.kind === 'read' ? [] : [{ opId: op.opId, invokedAt: op.invokedAt, writer: replica.replicaId }]))
  let reconnectAttempts = 0
  for (const replica of stats) {
    const after = replica.connection.filter(e => e.t >= faultAt)
    const disconnected = after.some(e => e.state === 'closed')
    if (!disconnected) {
      keptConnection.push(replica.replicaId)
      const held = heldResync(replica, writes, healedAt, roomOf)
      if ('ms' in held) timeToResync.record(held.ms)
      else neverResynced.set(replica.replicaId, held.missing)
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
    keptConnection,
    neverResynced
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
