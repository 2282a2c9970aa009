/**
 * Half-open detection (DESIGN §5 "blackhole"), from the replicas' connection
 * events: per replica, how long after the blackhole started its own liveness
 * check closed the dead connection; replicas that never noticed while it
 * lasted are listed. Pure.
 *
 * @module oracle/half-open
 */
import type { ReplicaStats } from '../client/harness/api.ts'

/**
 * @param {ReplicaStats[]} stats
 * @param {number} faultAt when the blackhole started (epoch ms)
 * @param {number} healedAt when it was healed
 * @return {{ detectMs: number[], undetected: string[] }}
 */
export const halfOpenDetection = (stats: ReplicaStats[], faultAt: number, healedAt: number): { detectMs: number[], undetected: string[] } => {
  const detectMs: number[] = []
  const undetected: string[] = []
  for (const replica of stats) {
    const closed = replica.connection.find(e => e.state === 'closed' && e.t >= faultAt && e.t <= healedAt)
    if (closed === undefined) undetected.push(replica.replicaId)
    else detectMs.push(closed.t - faultAt)
  }
  return { detectMs, undetected }
}
