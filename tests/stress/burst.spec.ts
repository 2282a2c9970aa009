import { test } from '../../fixtures/index.ts'

test('burst: high-frequency writes from every replica', { tag: '@burst' }, async ({ profile, swarm, workload, oracle, recorder }) => {
  const settings = profile.scenarios.burst
  const { replicas } = await test.step('arrange: spawn the swarm', async () => await swarm.spawn(settings))
  await test.step(`workload: ${settings.ratePerReplica} op/s per replica`, async () => { await workload.run(replicas, settings) })
  await test.step('quiesce: converge, then check every room', async () => { await oracle.check({ replicas }) })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
