/**
 * Spike recovery must fail on a server that stays slow after a spike (past a
 * rate it delays every delivery by 300 ms, for good) and pass the same relay
 * without that fault, through @spike's own settings and recovery figures.
 */
import { test, expect } from '../../fixtures/index.ts'
import { recordSpikeRecovery, spikeWorkload } from '../../scenarios/spike.ts'
import { faultyRelay } from './support/faulty-relay.ts'

for (const { fault, broken } of [{ fault: 'slow-after:50:300', broken: true }, { fault: 'none', broken: false }]) {
  test.describe(`server ${fault}`, () => {
    test.use({ targetSpec: faultyRelay(fault) })
    test(`spike recovery ${broken ? 'never comes for a server that stays slow' : 'comes back for a server that keeps up'}`, async ({ profile, swarm, workload, oracle, recorder }) => {
      const settings = profile.scenarios.spike
      const { replicas } = await swarm.spawn(settings)
      const spike = await spikeWorkload({ workload, recorder }, settings, replicas)
      const { stats } = await oracle.check({ replicas })
      recordSpikeRecovery(recorder, settings, stats, spike)
      const { verdict, breaches } = recorder.judge(settings.thresholds)
      if (broken) {
        expect(recorder.metrics.figures.spikeRecoveryMs).toBe(Number.POSITIVE_INFINITY)
        expect(breaches.map(b => b.figure)).toContain('spikeRecoveryMs')
        expect(verdict).toBe('fail')
      } else {
        expect(recorder.metrics.figures.spikeRecoveryMs).toBeLessThan(3_000)
        expect(verdict, recorder.metrics.verdictReasons.join('\n')).toBe('pass')
      }
    })
  })
}
