/**
 * How replicas recover from a network fault (DESIGN §4), recorded the same
 * way by @drop, @halfopen, @partition and @storm: time to reconnect and to
 * resync after the heal, the spread of first retries, attempts, and the
 * replicas that never came back (a failure). For a half-open fault, also how
 * long each client's own liveness check took to notice it.
 *
 * @module scenarios/recovery
 */
import type { ReplicaStats } from '../client/harness/api.ts'
import { reconnectFigures, type ReconnectFigures } from '../oracle/reconnect.ts'
import { halfOpenDetection } from '../oracle/half-open.ts'
import type { Recorder } from '../fixtures/recorder.ts'
import type { InjectedFault } from '../fixtures/workload.ts'

/**
 * @param {Recorder} recorder
 * @param {ReplicaStats[]} stats every replica behind the fault
 * @param {InjectedFault} fault when it started and was healed
 */
export const recordRecovery = (recorder: Recorder, stats: ReplicaStats[], fault: InjectedFault): ReconnectFigures => {
  const reconnect = reconnectFigures(stats, fault.faultAt, fault.healedAt)
  recorder.histogram('timeToReconnectMs', reconnect.timeToReconnect)
  recorder.histogram('timeToResyncMs', reconnect.timeToResync)
  recorder.figure('reconnectAttempts', reconnect.reconnectAttempts)
  recorder.figure('reconnectSpreadMs', reconnect.reconnectSpreadMs)
  recorder.figure('notReconnected', reconnect.notReconnected.length)
  if (reconnect.notReconnected.length > 0) recorder.fail(`${reconnect.notReconnected.length} replica(s) never reconnected after the heal: ${reconnect.notReconnected.slice(0, 8).join(', ')}`)
  return reconnect
}

/**
 * Half-open detection: only a client that watches its connection can notice
 * a blackholed one, so the figures need the heartbeat capability.
 * @return {string[]} replicas that never noticed (a `stuck` failure)
 */
export const recordHalfOpen = (recorder: Recorder, stats: ReplicaStats[], fault: InjectedFault): string[] => {
  if (!recorder.requires('heartbeat', 'halfOpenDetectMs', 'halfOpenUndetected')) return []
  const { detectMs, undetected } = halfOpenDetection(stats, fault.faultAt, fault.healedAt)
  recorder.figure('halfOpenDetectMs', undetected.length > 0 ? Number.POSITIVE_INFINITY : Math.max(0, ...detectMs))
  recorder.figure('halfOpenUndetected', undetected.length)
  if (undetected.length > 0) recorder.fail(`stuck: ${undetected.length} replica(s) never noticed the half-open connection (no heartbeat timeout while it lasted): ${undetected.slice(0, 8).join(', ')}`)
  return undetected
}
