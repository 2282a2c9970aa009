/**
 * Puts a remote host's replica stats on the runner's clock. Pages stamp times
 * with their own clock (client/harness/api.ts); replicas on another machine
 * are off by that machine's clock offset, which would skew every
 * cross-host propagation latency. Every absolute time is shifted; durations
 * (store timings) are left alone.
 *
 * @module oracle/clock-shift
 */
import type { ReplicaStats } from '../client/harness/api.ts'

/**
 * @param {ReplicaStats} stats as the remote host reported them
 * @param {number} offsetMs remote clock minus runner clock (metrics/clock-offset.ts)
 * @return {ReplicaStats} a copy with every time in runner time (t − offsetMs)
 */
export const shiftReplicaStats = (stats: ReplicaStats, offsetMs: number): ReplicaStats => {
  if (offsetMs === 0) return stats
  const shift = (t: number): number => t - offsetMs
  return {
    ...stats,
    history: stats.history.map(op => ({ ...op, invokedAt: shift(op.invokedAt), ...(op.ackedAt === undefined ? {} : { ackedAt: shift(op.ackedAt) }) })),
    seen: Object.fromEntries(Object.entries(stats.seen).map(([opId, t]) => [opId, shift(t)])),
    connection: stats.connection.map(event => ({ ...event, t: shift(event.t) })),
    ...(stats.restoredFromStore === undefined ? {} : { restoredFromStore: { ...stats.restoredFromStore, at: shift(stats.restoredFromStore.at) } })
  }
}
