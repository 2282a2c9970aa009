import { test } from '../../fixtures/index.ts'
import { flood } from '../../scenarios/flood.ts'

test('flood: many replicas connect at once, all sync, then write and converge', { tag: '@flood' }, async ({ profile, swarm, workload, oracle, recorder }) => {
  const settings = profile.scenarios.flood
  const replicas = await test.step(`arrange + fault: ${settings.swarm.nodeReplicas} replicas connect at once`, async () => await flood({ swarm, recorder }, settings, profile.convergenceDeadlineMs))
  await test.step('workload: the seeded op mix', async () => { await workload.run(replicas, settings) })
  await test.step('quiesce: converge, then check every room', async () => { await oracle.check({ replicas }) })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
