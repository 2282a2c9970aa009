import { test } from '../../fixtures/index.ts'

test('conflict storm: every replica updates and deletes the same few todos at once', { tag: '@conflict' }, async ({ profile, swarm, workload, oracle, recorder }) => {
  const settings = profile.scenarios.conflict
  const { replicas } = await test.step('arrange: spawn the swarm', async () => await swarm.spawn(settings))
  await test.step(`workload: everyone edits the same ${settings.sharedTodos} todos`, async () => { await workload.run(replicas, settings) })
  await test.step('quiesce: converge, then check every room', async () => { await oracle.check({ replicas }) })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
