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
import { reconnectFigures, type ReconnectFigures, type RoomOf } from '../oracle/reconnect.ts'
import { describeHalfOpen, halfOpenDetection, unnoticed } from '../oracle/half-open.ts'
import type { Recorder } from '../fixtures/recorder.ts'
import type { InjectedFault } from '../fixtures/workload.ts'
import type { BlackholeWatch } from '../fixtures/faults.ts'
import type { Replica, Swarm } from '../fixtures/swarm.ts'
import type { DerivedWait } from '../oracle/client-timeouts.ts'

/**
 * @param {Recorder} recorder
 * @param {ReplicaStats[]} stats every replica behind the fault
 * @param {InjectedFault} fault when it started and was healed
 * @param {{ everyone?: ReplicaStats[], roomOf?: RoomOf }} of every replica of the run, when some were not behind the fault (their writes count toward resync), and each one's room
 */
export const recordRecovery = (recorder: Recorder, stats: ReplicaStats[], fault: InjectedFault, { everyone = stats, roomOf }: { everyone?: ReplicaStats[], roomOf?: RoomOf } = {}): ReconnectFigures => {
  const reconnect = reconnectFigures(stats, fault.faultAt, fault.healedAt, everyone, roomOf)
  if (reconnect.timeToReconnect.count > 0) recorder.histogram('timeToReconnectMs', reconnect.timeToReconnect)
  else if (reconnect.notReconnected.length === 0) {
    // Nothing to time, and why: a client that never noticed the fault kept its connection.
    recorder.unrecorded('timeToReconnectMs', `none of the ${stats.length} replica(s) lost its connection during the fault, so none had to reconnect`)
  }
  if (reconnect.timeToResync.count > 0) recorder.histogram('timeToResyncMs', reconnect.timeToResync)
  if (reconnect.keptConnection.length > 0) {
    recorder.mark(`${reconnect.keptConnection.length} of ${stats.length} replica(s) kept their connection through the fault (their timeout is longer): their resync is when the last write of their room invoked before the heal reached them`)
  }
  recorder.figure('reconnectAttempts', reconnect.reconnectAttempts)
  recorder.figure('reconnectSpreadMs', reconnect.reconnectSpreadMs)
  recorder.figure('notReconnected', reconnect.notReconnected.length)
  if (reconnect.notReconnected.length > 0) recorder.fail(`${reconnect.notReconnected.length} replica(s) never reconnected after the heal: ${reconnect.notReconnected.slice(0, 8).join(', ')}`)
  if (reconnect.neverResynced.size > 0) {
    const listed = [...reconnect.neverResynced].slice(0, 8).map(([id, missing]) => `${id} (${missing})`).join(', ')
    recorder.fail(`${reconnect.neverResynced.size} replica(s) kept their connection through the fault but never received writes of their room invoked before the heal: ${listed}`)
  }
  return reconnect
}

/**
 * Half-open detection: only a client that watches its connection can notice
 * a blackholed one, so the figures need the heartbeat capability. A client
 * that had not noticed by the deadline fails, in one sentence that says how
 * many and how long the slowest took (or that it never did while watched).
 * `stuck` stays for replicas that were connected and did not converge.
 * @param {DerivedWait} deadline from the blackhole's start: when every client should have noticed, and where that came from (oracle/client-timeouts.ts)
 * @return {string[]} replicas that had not noticed by the deadline
 */
export const recordHalfOpen = (recorder: Recorder, stats: ReplicaStats[], fault: InjectedFault, deadline: DerivedWait): string[] => {
  if (!recorder.requires('heartbeat', 'halfOpenDetectMs', 'halfOpenUndetected')) return []
  recorder.mark(`half-open deadline: ${deadline.ms} ms from the blackhole's start, from ${deadline.source}`)
  const detection = halfOpenDetection(stats, fault.faultAt, fault.faultAt + deadline.ms, fault.healedAt)
  recorder.figure('halfOpenDetectMs', detection.undetected.length > 0 ? Number.POSITIVE_INFINITY : Math.max(0, ...detection.detectMs))
  recorder.figure('halfOpenUndetected', detection.late.length)
  if (detection.late.length > 0) recorder.fail(describeHalfOpen(detection, stats.length, deadline, fault.healedAt - fault.faultAt))
  return detection.late
}

/**
 * What a half-open scenario gives `faults.blackhole({ watch })`: keep the
 * blackhole up while some of `replicas` has not noticed it, up to `limitMs`.
 */
export const watchHalfOpen = (swarm: Swarm, replicas: Replica[], limitMs: number): BlackholeWatch => ({
  limitMs,
  unnoticed: async faultAt => unnoticed(await swarm.stats(replicas), faultAt)
})
