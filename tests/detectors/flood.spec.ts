/**
 * The flood must fail on a server that refuses some connections (every 10th
 * upgrade gets HTTP 503: its clients retry and may well sync in the end) and
 * pass the same relay without that fault, through @flood's own step.
 */
import { test, expect } from '../../fixtures/index.ts'
import { flood } from '../../scenarios/flood.ts'
import { faultyRelay } from './support/faulty-relay.ts'

for (const { fault, broken } of [{ fault: 'refuse:10', broken: true }, { fault: 'none', broken: false }]) {
  test.describe(`server ${fault}`, () => {
    test.use({ targetSpec: faultyRelay(fault) })
    test(`a flood ${broken ? 'reports the connections a server refused' : 'passes a server that takes every connection'}`, async ({ profile, swarm, workload, oracle, recorder }) => {
      const settings = profile.scenarios.flood
      const replicas = await flood({ swarm, recorder }, settings, profile.convergenceDeadlineMs)
      await workload.run(replicas, settings)
      await oracle.check({ replicas })
      const { verdict, breaches } = recorder.judge(settings.thresholds)
      if (broken) {
        expect(recorder.metrics.figures.floodConnectErrors).toBeGreaterThanOrEqual(settings.swarm.nodeReplicas / 10 - 1)
        expect(breaches.map(b => b.figure)).toContain('floodConnectErrors')
        expect(verdict).toBe('fail')
      } else {
        expect(recorder.metrics.figures.floodConnectErrors).toBe(0)
        expect(verdict, recorder.metrics.verdictReasons.join('\n')).toBe('pass')
      }
    })
  })
}
