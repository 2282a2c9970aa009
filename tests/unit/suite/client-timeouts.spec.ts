/**
 * The disconnect grace and half-open deadline follow the client's declared
 * timers when it runs as shipped (tuning sdk), and the suite's options when
 * it runs with them (tuning suite) or declares none; the source is named.
 */
import { test, expect } from '@playwright/test'
import { convergenceDeadline, disconnectGrace, halfOpenDeadline } from '../../../oracle/client-timeouts.ts'

/** The smoke profile's heartbeat timeout and @halfopen blackhole. */
const suite = { heartbeatTimeoutMs: 6_000, faultDurationMs: 9_000 }
const yWebsocket = { deadConnectionMs: 30_000, reconnectMaxMs: 2_500 }

test('tuning sdk with a declared dead-connection timeout: the SDK\'s own timer sets both', () => {
  const client = { tuning: 'sdk' as const, timeouts: yWebsocket }
  expect(disconnectGrace(client, suite.heartbeatTimeoutMs)).toEqual({ ms: 32_000, source: 'the adapter\'s timeouts.deadConnectionMs (30000 ms)' })
  // 30 s + a fifth of it (more than the profile's 3 s margin): y-websocket checks its timer every 3 s.
  expect(halfOpenDeadline(client, suite)).toEqual({ ms: 36_000, source: 'the adapter\'s timeouts.deadConnectionMs (30000 ms)' })
  // A short timer keeps the profile's margin.
  expect(halfOpenDeadline({ tuning: 'sdk', timeouts: { deadConnectionMs: 4_000 } }, suite).ms).toBe(7_000)
})

test('tuning suite: the suite\'s options set both, whatever the adapter declares', () => {
  const client = { tuning: 'suite' as const, timeouts: yWebsocket }
  expect(disconnectGrace(client, suite.heartbeatTimeoutMs)).toEqual({ ms: 8_000, source: 'the suite\'s options (heartbeat timeout 6000 ms; tuning suite)' })
  expect(halfOpenDeadline(client, suite)).toEqual({ ms: 9_000, source: 'the suite\'s options (heartbeat timeout 6000 ms; tuning suite)' })
})

test('no declared timeouts, or none for dead connections: the suite\'s options, and why', () => {
  expect(halfOpenDeadline({ tuning: 'sdk', timeouts: undefined }, suite)).toEqual({ ms: 9_000, source: 'the suite\'s options (heartbeat timeout 6000 ms; the adapter declares no timeouts)' })
  expect(disconnectGrace({ tuning: 'sdk', timeouts: { reconnectMaxMs: 5_000 } }, suite.heartbeatTimeoutMs))
    .toEqual({ ms: 8_000, source: 'the suite\'s options (heartbeat timeout 6000 ms; the client declares no dead-connection timeout)' })
})

test('after a fault, convergence waits out the client\'s declared longest backoff; otherwise the profile\'s deadline', () => {
  const hocuspocus = { deadConnectionMs: 30_000, reconnectMaxMs: 30_000 }
  expect(convergenceDeadline({ tuning: 'sdk', timeouts: hocuspocus }, 15_000, true)).toEqual({ ms: 32_000, source: 'the adapter\'s timeouts.reconnectMaxMs (30000 ms), after a fault' })
  expect(convergenceDeadline({ tuning: 'sdk', timeouts: { reconnectMaxMs: 20_000, connectTimeoutMs: 5_000 } }, 15_000, true).ms).toBe(27_000)
  // No fault, a backoff shorter than the deadline, tuning suite or nothing declared: the profile's.
  const profile = { ms: 15_000, source: 'the profile\'s convergenceDeadlineMs' }
  expect(convergenceDeadline({ tuning: 'sdk', timeouts: hocuspocus }, 15_000, false)).toEqual(profile)
  expect(convergenceDeadline({ tuning: 'sdk', timeouts: { reconnectMaxMs: 5_000, connectTimeoutMs: 5_000 } }, 15_000, true)).toEqual(profile)
  expect(convergenceDeadline({ tuning: 'suite', timeouts: hocuspocus }, 15_000, true)).toEqual(profile)
  expect(convergenceDeadline({ tuning: 'sdk', timeouts: undefined }, 15_000, true)).toEqual(profile)
})
