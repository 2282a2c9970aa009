/**
 * Half-open detection (DESIGN §5 "blackhole"), from the replicas' connection
 * events: per replica, how long after the blackhole started its own liveness
 * check closed the dead connection. A client may notice after the planned
 * outage (its timeout is longer): the blackhole is then kept up, for a bounded
 * watch, so that the slowest detection is a figure rather than a guess. Pure.
 *
 * @module oracle/half-open
 */
import type { ReplicaStats } from '../client/harness/api.ts'
import type { DerivedWait } from './client-timeouts.ts'

export interface HalfOpenDetection {
  /** Per replica that noticed while the blackhole lasted: ms from its start. */
  detectMs: number[]
  /** Replicas that had not noticed by the deadline (noticed later, or never). */
  late: string[]
  /** Replicas that never noticed while the blackhole lasted. */
  undetected: string[]
}

/** When a replica first noticed the blackhole: its first close inside the fault, or undefined. */
const noticedAt = (replica: ReplicaStats, faultAt: number, healedAt: number): number | undefined =>
  replica.connection.find(e => e.state === 'closed' && e.t >= faultAt && e.t <= healedAt)?.t

/**
 * @param {ReplicaStats[]} stats
 * @param {number} faultAt when the blackhole started (epoch ms)
 * @param {number} deadline when every client should have noticed (epoch ms)
 * @param {number} healedAt when it was healed (at or after the deadline when watched)
 */
export const halfOpenDetection = (stats: ReplicaStats[], faultAt: number, deadline: number, healedAt: number): HalfOpenDetection => {
  const detection: HalfOpenDetection = { detectMs: [], late: [], undetected: [] }
  for (const replica of stats) {
    const t = noticedAt(replica, faultAt, healedAt)
    if (t === undefined) detection.undetected.push(replica.replicaId)
    else detection.detectMs.push(t - faultAt)
    if (t === undefined || t > deadline) detection.late.push(replica.replicaId)
  }
  return detection
}

/** How many of `stats` have not yet noticed a blackhole that started at `faultAt`. */
export const unnoticed = (stats: ReplicaStats[], faultAt: number): number =>
  stats.filter(replica => noticedAt(replica, faultAt, Number.POSITIVE_INFINITY) === undefined).length

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/**
 * The verdict in one sentence: how many clients had not noticed by the
 * deadline (and where the deadline came from), and how long the slowest
 * took, or that some never did.
 */
export const describeHalfOpen = (detection: HalfOpenDetection, clients: number, deadline: DerivedWait, watchedMs: number): string => {
  const slowest = detection.undetected.length > 0
    ? `${detection.undetected.length} never noticed within ${seconds(watchedMs)} of watching`
    : `the slowest noticed after ${seconds(Math.max(0, ...detection.detectMs))}`
  return `half-open: ${detection.late.length} of ${clients} client(s) had not noticed the dead connection ${seconds(deadline.ms)} into the outage (the deadline from ${deadline.source}); ${slowest} (${detection.late.slice(0, 8).join(', ')}${detection.late.length > 8 ? ', …' : ''}).`
}
