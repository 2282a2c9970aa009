import { test } from '../../fixtures/index.ts'

test('baseline: a few replicas at a low rate converge with no lost write', { tag: '@baseline' }, async ({ profile, swarm, workload, oracle, recorder }) => {
  const settings = profile.scenarios.baseline
  const { replicas } = await test.step('arrange: spawn the swarm', async () => await swarm.spawn(settings))
  await test.step('workload: the seeded op mix', async () => { await workload.run(replicas, settings) })
  await test.step('quiesce: converge, then check every room', async () => { await oracle.check({ replicas }) })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
