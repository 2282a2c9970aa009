/**
 * The recovery checks must fire on deliberately broken clients and servers,
 * and pass their healthy counterparts, through the stress scenarios' own
 * settings and steps:
 *   - a client that reconnects with no jitter fails the storm's spread check;
 *   - a client with no heartbeat is reported stuck on a half-open connection;
 *   - a server that closes connections at random produces unexpected disconnects.
 */
import path from 'node:path'
import { test, expect } from '../../fixtures/index.ts'
import { recordHalfOpen, recordRecovery } from '../../scenarios/recovery.ts'
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
  for (const heartbeat of [false, true]) {
    test(`half-open: a client ${heartbeat ? 'with' : 'without'} a heartbeat is ${heartbeat ? 'not ' : ''}reported stuck`, async ({ profile, swarm, faults, workload, oracle, recorder }) => {
      const settings = profile.scenarios.halfopen
      const { replicas } = await swarm.spawn(settings, { url: faults.url, connect: heartbeat ? {} : { heartbeat: false } })
      const { faults: [blackhole] } = await workload.run(replicas, settings, { at: [[settings.faultAtMs, faults.blackhole({ durationMs: settings.faultDurationMs })]] })
      const { stats } = await oracle.check({ replicas, deadlineMs: 6_000 })
      const undetected = recordHalfOpen(recorder, stats, blackhole!)
      recordRecovery(recorder, stats, blackhole!)
      const { verdict } = recorder.judge(settings.thresholds)
      if (heartbeat) {
        expect(undetected).toHaveLength(0)
        expect(verdict, recorder.metrics.verdictReasons.join('\n')).toBe('pass')
      } else {
        expect(undetected.length).toBe(stats.length)
        expect(recorder.metrics.figures.halfOpenDetectMs).toBe(Number.POSITIVE_INFINITY)
        expect(verdict).toBe('fail')
        expect(recorder.metrics.verdictReasons.join('\n')).toMatch(/stuck/)
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
