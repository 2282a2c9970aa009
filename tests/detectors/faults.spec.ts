/**
 * The recovery checks must fire on deliberately broken clients and servers,
 * and pass their healthy counterparts, through the stress scenarios' own
 * settings and steps:
 *   - a client that reconnects with no jitter fails the storm's spread check;
 *   - a client whose heartbeat notices a half-open connection late, or never,
 *     is reported with how many had not noticed and how long the slowest took;
 *   - a server that closes connections at random produces unexpected disconnects.
 */
import path from 'node:path'
import { test, expect } from '../../fixtures/index.ts'
import { recordHalfOpen, recordRecovery, watchHalfOpen } from '../../scenarios/recovery.ts'
import { halfOpenDeadline } from '../../oracle/client-timeouts.ts'
import { thresholdsSchema } from '../../profiles/thresholds.ts'
import { converge, smallRun } from './support/small-run.ts'

for (const jitter of ['none', 'full'] as const) {
  test(`storm: a client with ${jitter} jitter ${jitter === 'none' ? 'fails' : 'passes'} the reconnect-spread check`, async ({ profile, swarm, faults, workload, oracle, recorder }) => {
    const settings = profile.scenarios.storm
    const { replicas } = await swarm.spawn(settings, { url: faults.url, connect: { backoff: { initialMs: settings.backoffInitialMs, jitter } } })
    const { faults: [reset] } = await workload.run(replicas, settings, { at: [[settings.faultAtMs, faults.reset()]] })
    const { stats } = await oracle.check({ replicas })
    const reconnect = recordRecovery(recorder, stats, reset!)
    const { verdict, breaches } = recorder.judge(settings.thresholds)
    await test.info().attach('first-retry-delays.json', { body: JSON.stringify(reconnect.firstRetryDelaysMs) })
    if (jitter === 'none') {
      expect(breaches.map(b => b.figure), `spread ${reconnect.reconnectSpreadMs} ms`).toContain('reconnectSpreadMs')
      expect(verdict).toBe('fail')
    } else {
      expect(verdict, recorder.metrics.verdictReasons.join('\n')).toBe('pass')
    }
  })
}

test.describe('half-open', () => {
  // The server's own keepalive would close the dead connection and mask the client's heartbeat.
  test.use({ targetSpec: { kind: 'reference', env: { SYNC_HEARTBEAT_INTERVAL_MS: '600000' } } })
  // A bounded watch keeps the self-test short; the scenario's default is 60 s.
  const watchLimitMs = 16_000
  const clients = [
    { name: 'the suite\'s heartbeat (6 s)', connect: {}, verdict: 'pass' },
    { name: 'a 12 s heartbeat timeout', connect: { heartbeat: { intervalMs: 2_000, timeoutMs: 12_000 } }, verdict: 'late' },
    { name: 'no heartbeat', connect: { heartbeat: false as const }, verdict: 'never' }
  ] as const
  for (const client of clients) {
    test(`half-open: a client with ${client.name} ${client.verdict === 'pass' ? 'passes' : client.verdict === 'late' ? 'is reported late, with its detection time' : 'is reported as never noticing'}`, async ({ profile, client: suiteClient, swarm, faults, workload, oracle, recorder }) => {
      const settings = profile.scenarios.halfopen
      const { replicas } = await swarm.spawn(settings, { url: faults.url, connect: client.connect })
      const watch = watchHalfOpen(swarm, replicas, watchLimitMs)
      const { faults: [blackhole] } = await workload.run(replicas, settings, { at: [[settings.faultAtMs, faults.blackhole({ durationMs: settings.faultDurationMs, watch })]] })
      const { stats } = await oracle.check({ replicas, deadlineMs: 6_000 })
      // The reference client: the suite's own options set the deadline.
      const late = recordHalfOpen(recorder, stats, blackhole!, halfOpenDeadline(suiteClient, { heartbeatTimeoutMs: profile.client.heartbeat.timeoutMs, faultDurationMs: settings.faultDurationMs }))
      recordRecovery(recorder, stats, blackhole!)
      const { verdict } = recorder.judge(settings.thresholds)
      const reasons = recorder.metrics.verdictReasons.join('\n')
      const detectMs = recorder.metrics.figures.halfOpenDetectMs
      if (client.verdict === 'pass') {
        expect(late).toHaveLength(0)
        expect(verdict, reasons).toBe('pass')
        return
      }
      expect(verdict).toBe('fail')
      // Detection and data are judged apart: the held bytes arrive at the heal, so a late client loses nothing.
      expect(recorder.metrics.figures.lostOps, reasons).toBe(0)
      expect(late.length).toBe(stats.length)
      expect(reasons).toContain(`half-open: ${stats.length} of ${stats.length} client(s) had not noticed the dead connection ${(settings.faultDurationMs / 1000).toFixed(1)} s into the outage`)
      if (client.verdict === 'late') {
        // Kept up past the planned outage until the 12 s timeouts fired: the figure exists.
        expect(detectMs).toBeGreaterThan(settings.faultDurationMs)
        expect(detectMs).toBeLessThan(watchLimitMs)
        expect(reasons).toMatch(/the slowest noticed after 1\d\.\d s/)
      } else {
        expect(detectMs).toBe(Number.POSITIVE_INFINITY)
        expect(blackhole!.healedAt - blackhole!.faultAt).toBeGreaterThanOrEqual(watchLimitMs)
        expect(reasons).toContain(`${stats.length} never noticed within`)
      }
    })
  }
})

const relay = path.resolve('tests/detectors/targets/faulty-relay.ts')
for (const fault of ['close-random:700', 'none']) {
  test.describe(`server ${fault}`, () => {
    test.use({ targetSpec: { kind: 'command', command: `node --import tsx ${relay} --port {port} --fault ${fault}`, label: `faulty-relay ${fault}` } })
    test(`unexpected disconnects are ${fault === 'none' ? 'zero with a server that never closes' : 'counted when the server closes connections at random'}`, async ({ swarm, workload, oracle, recorder }) => {
      await converge({ swarm, workload, oracle }, { ...smallRun, ratePerReplica: 3, durationMs: 4_000 })
      const { verdict, breaches } = recorder.judge(thresholdsSchema.parse({ unexpectedDisconnects: ['value==0'] }))
      if (fault === 'none') {
        expect(recorder.metrics.figures.unexpectedDisconnects).toBe(0)
        expect(verdict, recorder.metrics.verdictReasons.join('\n')).toBe('pass')
      } else {
        expect(recorder.metrics.figures.unexpectedDisconnects).toBeGreaterThan(0)
        expect(breaches.map(b => b.figure)).toEqual(['unexpectedDisconnects'])
      }
    })
  })
}
