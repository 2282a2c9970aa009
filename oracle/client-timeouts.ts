/**
 * The suite's waits that depend on the client's own timers, and where each
 * came from. A client is judged by the timers it ships with: when its adapter
 * declares them (client/adapter/contract.ts `timeouts`) and runs the SDK as
 * shipped (tuning `sdk`), they set
 *   disconnect grace   = deadConnectionMs + 2 s: a close this long after a
 *                        fault window still counts as caused by it;
 *   half-open deadline = deadConnectionMs + max(the profile's margin, a fifth
 *                        of it): when every client should have noticed a
 *                        blackhole. Clients check their timer periodically
 *                        (y-websocket every tenth of its timeout), hence the
 *                        proportional margin.
 *   convergence        = at least reconnectMaxMs + connectTimeoutMs + 2 s
 *                        after a fault: a client waiting out its longest
 *                        backoff when the fault heals is slow, not stuck.
 * Otherwise (the reference client, tuning `suite`, or no declared timeouts)
 * the suite's own options set them: the profile's heartbeat timeout + 2 s,
 * the scenario's fault duration and the profile's convergence deadline. Pure.
 *
 * @module oracle/client-timeouts
 */
import type { AdapterTimeouts } from '../client/adapter/contract.ts'
import type { Tuning } from '../client/harness/api.ts'

/** After a fault window, how long a close still counts as caused by it, beyond the detection timeout. */
const graceSlackMs = 2_000

/** What the suite knows of a client's timers: its tuning and what its adapter declares. */
export interface ClientTimers {
  tuning: Tuning
  timeouts: AdapterTimeouts | undefined
}

/** A derived wait and where it came from, for the evidence. */
export interface DerivedWait {
  ms: number
  /** e.g. "the adapter's timeouts.deadConnectionMs (30000 ms)" */
  source: string
}

/** The client's declared dead-connection timeout when the suite judges by it: tuning sdk and declared. */
const declaredDeadMs = ({ tuning, timeouts }: ClientTimers): number | undefined => tuning === 'sdk' ? timeouts?.deadConnectionMs : undefined

const declaredSource = (deadMs: number): string => `the adapter's timeouts.deadConnectionMs (${deadMs} ms)`

const suiteSource = ({ tuning, timeouts }: ClientTimers, heartbeatTimeoutMs: number): string =>
  `the suite's options (heartbeat timeout ${heartbeatTimeoutMs} ms; ${tuning === 'suite' ? 'tuning suite' : timeouts === undefined ? 'the adapter declares no timeouts' : 'the client declares no dead-connection timeout'})`

/**
 * @param {ClientTimers} client
 * @param {number} suiteHeartbeatTimeoutMs the profile's heartbeat timeout
 * @return {DerivedWait} how long after a fault window a close still counts as caused by it
 */
export const disconnectGrace = (client: ClientTimers, suiteHeartbeatTimeoutMs: number): DerivedWait => {
  const deadMs = declaredDeadMs(client)
  return deadMs === undefined
    ? { ms: suiteHeartbeatTimeoutMs + graceSlackMs, source: suiteSource(client, suiteHeartbeatTimeoutMs) }
    : { ms: deadMs + graceSlackMs, source: declaredSource(deadMs) }
}

/**
 * @param {ClientTimers} client
 * @param {{ heartbeatTimeoutMs: number, faultDurationMs: number }} suite the profile's heartbeat timeout and the scenario's blackhole duration (its deadline with the suite's heartbeat)
 * @return {DerivedWait} from the blackhole's start, when every client should have noticed it
 */
export const halfOpenDeadline = (client: ClientTimers, suite: { heartbeatTimeoutMs: number, faultDurationMs: number }): DerivedWait => {
  const deadMs = declaredDeadMs(client)
  if (deadMs === undefined) return { ms: suite.faultDurationMs, source: suiteSource(client, suite.heartbeatTimeoutMs) }
  const marginMs = Math.max(suite.faultDurationMs - suite.heartbeatTimeoutMs, deadMs / 5)
  return { ms: Math.round(deadMs + marginMs), source: declaredSource(deadMs) }
}

/**
 * @param {ClientTimers} client
 * @param {number} profileDeadlineMs the profile's convergence deadline
 * @param {boolean} faulted whether the test injected a fault before quiesce
 * @return {DerivedWait} from quiesce, how long replicas have to converge
 */
export const convergenceDeadline = ({ tuning, timeouts }: ClientTimers, profileDeadlineMs: number, faulted: boolean): DerivedWait => {
  const reconnectMaxMs = tuning === 'sdk' ? timeouts?.reconnectMaxMs : undefined
  const backoffMs = reconnectMaxMs === undefined ? 0 : reconnectMaxMs + (timeouts?.connectTimeoutMs ?? 0) + graceSlackMs
  return faulted && backoffMs > profileDeadlineMs
    ? { ms: backoffMs, source: `the adapter's timeouts.reconnectMaxMs (${reconnectMaxMs} ms)${timeouts?.connectTimeoutMs === undefined ? '' : ` and connectTimeoutMs (${timeouts.connectTimeoutMs} ms)`}, after a fault` }
    : { ms: profileDeadlineMs, source: 'the profile\'s convergenceDeadlineMs' }
}
