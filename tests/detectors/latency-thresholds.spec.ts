/**
 * The fault-free scenarios' latency thresholds must catch a stack that is
 * correct but slow: a relay that delivers everything 100 ms late
 * (tests/detectors/targets/slow-relay.ts: the reference server behind a
 * latency toxic). Each scenario runs its own swarm and op mix at smoke size
 * against it, and the profile's latency thresholds must fail; the healthy
 * reference stack passes the same thresholds in the main job (and in the
 * baseline check here). Only latency thresholds are judged: the leak and
 * hold figures of @soak and @ramp need their full story, which the main job
 * runs; a shorter workload measures the same delivery times.
 */
import path from 'node:path'
import { test, expect } from '../../fixtures/index.ts'
import type { Thresholds } from '../../profiles/thresholds.ts'
import type { Profile } from '../../profiles/schema.ts'
import { connectSessions, recordSessions, sampleServerAround } from '../../scenarios/sessions.ts'

const slowRelay = `node --expose-gc --import tsx ${path.resolve('tests/detectors/targets/slow-relay.ts')} --port {port} --data-dir {dataDir} --host 127.0.0.1 --delay-ms 100`

const latencyFigures = new Set(['propagationMs', 'ackMs', 'nodePropagationMs', 'browserPropagationMs'])

/** The scenario's own thresholds on delivery times, and nothing else. */
const latencyThresholds = (thresholds: Thresholds): Thresholds =>
  Object.fromEntries(Object.entries(thresholds).filter(([figure]) => latencyFigures.has(figure))) as Thresholds

const workloadScenarios = ['baseline', 'burst', 'conflict', 'ramp', 'soak'] as const
/** Enough ops for a p99 at every scenario's rate; delivery times do not depend on the run's length. */
const maxWorkloadMs = 6_000

type WorkloadScenario = typeof workloadScenarios[number]
const settingsOf = (profile: Profile, name: WorkloadScenario): Profile['scenarios'][WorkloadScenario] => profile.scenarios[name]

for (const [label, targetSpec] of [['a relay 100 ms slow', { kind: 'command', command: slowRelay, label: 'slow relay (+100 ms)', admin: true }], ['the healthy reference server', { kind: 'reference', env: {} }]] as const) {
  const slow = targetSpec.kind === 'command'
  test.describe(label, () => {
    test.use({ targetSpec })
    // The healthy side runs once here (the main job runs every scenario): baseline's limits are the tightest.
    for (const name of slow ? workloadScenarios : ['baseline'] as const) {
      test(`${name}: its latency thresholds ${slow ? 'fail' : 'pass'} against ${label}`, async ({ profile, swarm, workload, oracle, recorder }) => {
        const settings = settingsOf(profile, name)
        const thresholds = latencyThresholds(settings.thresholds)
        expect(Object.keys(thresholds).length, `${name} has latency thresholds`).toBeGreaterThan(0)
        const { replicas } = await swarm.spawn(settings)
        await workload.run(replicas, { ...settings, durationMs: Math.min(settings.durationMs, maxWorkloadMs) })
        await oracle.check({ replicas })
        const { verdict, breaches } = recorder.judge(thresholds)
        const reasons = recorder.metrics.verdictReasons.join('\n')
        if (slow) {
          expect(verdict, reasons).toBe('fail')
          expect(breaches.map(b => b.figure), reasons).toContain('propagationMs')
        } else {
          expect(verdict, reasons).toBe('pass')
        }
      })
    }
    if (!slow) return
    test('sessions: its delivery thresholds fail against a relay 100 ms slow', async ({ profile, swarm, workload, oracle, recorder, target }) => {
      const settings = profile.scenarios.sessions
      const live = await connectSessions({ swarm, recorder }, settings, profile.convergenceDeadlineMs)
      const { before, after } = await sampleServerAround(target, async () => await workload.run(live, { ...settings, durationMs: Math.min(settings.durationMs, maxWorkloadMs) }))
      recordSessions(recorder, live, await oracle.check({ replicas: live }), before, after)
      const { verdict, breaches } = recorder.judge(latencyThresholds(settings.thresholds))
      expect(verdict).toBe('fail')
      expect([...new Set(breaches.map(b => b.figure))].sort()).toEqual(['ackMs', 'browserPropagationMs', 'nodePropagationMs'].filter(figure => figure in latencyThresholds(settings.thresholds)))
    })
  })
}
