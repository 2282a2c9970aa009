/**
 * Cold sync must fail on a server that loses part of the preload, with acks
 * (it acknowledges what it then loses) or without, and pass a correct one:
 * the preload must be held in full, and every preloaded op id is required at
 * every fresh replica.
 */
import { test, expect } from '../../fixtures/index.ts'
import { loadFresh, preload } from '../../scenarios/coldsync.ts'
import { faultyRelay } from './support/faulty-relay.ts'

const cases = [
  { name: 'a server that drops 2% of updates (no acks)', target: faultyRelay('drop-updates:50'), broken: true },
  { name: 'a server that drops 2% of updates and acknowledges them anyway', target: faultyRelay('drop-updates:50', { ack: true }), broken: true },
  { name: 'a correct server (no acks)', target: faultyRelay('none'), broken: false },
  { name: 'the reference server', target: { kind: 'reference' as const, env: {} }, broken: false }
]

for (const { name, target, broken } of cases) {
  test.describe(name, () => {
    test.use({ targetSpec: target })
    test(`cold sync ${broken ? 'fails' : 'passes'} against ${name}`, async ({ profile, swarm, oracle, recorder }) => {
      const settings = { ...profile.scenarios.coldsync, preloadItems: 500, preloadTimeoutMs: 5_000 }
      const loaded = await preload(swarm, recorder, settings)
      const replicas = await loadFresh({ swarm, recorder }, settings, loaded)
      const result = await oracle.check({ replicas, gone: [loaded.preloader], mustHave: loaded.opIds, deadlineMs: 5_000 })
      const { verdict, reasons } = recorder.judge(settings.thresholds)
      if (broken) {
        expect(verdict).toBe('fail')
        expect(result.verdict.lost.length, result.verdict.message).toBeGreaterThan(0)
        expect(reasons.join('\n')).toMatch(/acknowledged op\(s\) lost: node-preloader-|preload: the target holds \d+ of 500 preloaded todos/)
      } else {
        expect(verdict, reasons.join('\n')).toBe('pass')
        expect(result.verdict.message).toMatch(/converged/)
      }
    })
  })
}
