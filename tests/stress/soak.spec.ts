import { test } from '../../fixtures/index.ts'
import { soak } from '../../scenarios/soak.ts'

// The one scenario that exists to judge leaks: every heap sample follows a forced GC.
test.use({ heapSampling: 'gc' })

test('soak: every replica at 1 op/s for the profile\'s duration, with no leak, no loss and few disconnects', { tag: '@soak' }, async ({ profile, swarm, workload, oracle, recorder, heap }) => {
  const settings = profile.scenarios.soak
  // A soak lasts as long as its profile says (hours in `soak`): the config's 10 minutes are for the short scenarios.
  test.setTimeout(settings.durationMs + profile.convergenceDeadlineMs + profile.ackDeadlineMs + 5 * 60_000)
  const { replicas } = await test.step('arrange: spawn the swarm', async () => await swarm.spawn(settings))
  await test.step(`workload: ${settings.ratePerReplica} op/s per replica for ${settings.durationMs} ms`, async () => {
    await soak({ swarm, workload, recorder, heap }, settings, replicas, profile.heap.sampleIntervalMs, test.info().outputPath('soak-partial.json'))
  })
  await test.step('quiesce: converge, then check every room', async () => { await oracle.check({ replicas }) })
  await test.step('assess: heap leak verdicts', async () => { await heap.finish() })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
