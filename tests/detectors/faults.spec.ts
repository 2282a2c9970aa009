/**
 * The recovery checks must fire on deliberately broken clients and servers,
 * and pass their healthy counterparts:
 *   - a client that reconnects with no jitter fails the storm's spread check;
 *   - a client with no heartbeat is reported stuck on a half-open connection;
 *   - a server that closes connections at random produces unexpected disconnects.
 */
import path from 'node:path'
import { test, expect } from '../../fixtures/index.ts'
import { runFaultScenario } from '../../fixtures/fault-scenario.ts'
import { runConvergenceScenario } from '../../fixtures/convergence-scenario.ts'
import { blackhole, recordHalfOpen, resetEveryone } from '../../fixtures/network-faults.ts'
import { scenarioSchema } from '../../profiles/schema.ts'

for (const jitter of ['none', 'full'] as const) {
  test(`storm: a client with ${jitter} jitter ${jitter === 'none' ? 'fails' : 'passes'} the reconnect-spread check`, async ({ swarm, workload, oracle, recorder, profile, faults }) => {
    const scenario = profile.scenarios.storm
    const { reconnect } = await runFaultScenario({ swarm, workload, oracle, recorder, profile, faults }, scenario, 'reset every connection at once', resetEveryone(faults), { backoff: { initialMs: scenario.backoffInitialMs ?? 1_000, maxMs: profile.client.backoff.maxMs, jitter } })
    const { verdict, breaches } = recorder.judge(scenario.thresholds)
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
    test(`half-open: a client ${heartbeat ? 'with' : 'without'} a heartbeat is ${heartbeat ? 'not ' : ''}reported stuck`, async ({ swarm, workload, oracle, recorder, profile, faults }) => {
      const scenario = profile.scenarios.halfopen
      const { result, fault } = await runFaultScenario({ swarm, workload, oracle, recorder, profile: { ...profile, convergenceDeadlineMs: 6_000 }, faults }, scenario, 'blackhole all traffic', blackhole(faults, scenario), heartbeat ? {} : { heartbeat: false })
      const { undetected } = recordHalfOpen(recorder, result.stats, fault)
      const { verdict } = recorder.judge(scenario.thresholds)
      if (heartbeat) {
        expect(undetected).toHaveLength(0)
        expect(verdict, recorder.metrics.verdictReasons.join('\n')).toBe('pass')
      } else {
        expect(undetected.length).toBe(result.stats.length)
        expect(verdict).toBe('fail')
        expect(recorder.metrics.verdictReasons.join('\n')).toMatch(/stuck/)
      }
    })
  }
})

const relay = path.resolve('tests/detectors/targets/faulty-relay.ts')
const scenario = scenarioSchema.parse({
  swarm: { contexts: 1, pagesPerContext: 1, replicasPerPage: 2, nodeReplicas: 2 },
  ratePerReplica: 3,
  durationMs: 4_000,
  mix: { create: 40, update: 30, delete: 15, read: 15 },
  thresholds: { unexpectedDisconnects: ['value==0'] }
})
for (const fault of ['close-random:700', 'none']) {
  test.describe(`server ${fault}`, () => {
    test.use({ targetSpec: { kind: 'command', command: `node --import tsx ${relay} --port {port} --fault ${fault}`, label: `faulty-relay ${fault}` } })
    test(`unexpected disconnects are ${fault === 'none' ? 'zero with a server that never closes' : 'counted when the server closes connections at random'}`, async ({ swarm, workload, oracle, recorder, profile }) => {
      await runConvergenceScenario({ swarm, workload, oracle, recorder, profile }, scenario)
      const unexpected = recorder.metrics.figures.unexpectedDisconnects
      if (fault === 'none') expect(unexpected).toBe(0)
      else expect(unexpected).toBeGreaterThan(0)
    })
  })
}
