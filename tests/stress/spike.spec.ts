import { test } from '../../fixtures/index.ts'
import { recordSpikeRecovery, spikeWorkload } from '../../scenarios/spike.ts'

test('spike: a 10× jump in write rate; propagation recovers to its baseline after it', { tag: '@spike' }, async ({ profile, swarm, workload, oracle, recorder }) => {
  const settings = profile.scenarios.spike
  const { replicas } = await test.step('arrange: spawn the swarm', async () => await swarm.spawn(settings))
  const spike = await test.step(`workload + fault: ${settings.ratePerReplica} op/s, then ${settings.spikeFactor}× for ${settings.spikeDurationMs} ms, then back`, async () =>
    await spikeWorkload({ workload, recorder }, settings, replicas))
  const { stats } = await test.step('quiesce: converge, then check every room', async () => await oracle.check({ replicas }))
  await test.step('assert: recovery after the spike, and thresholds', async () => {
    recordSpikeRecovery(recorder, settings, stats, spike)
    recorder.expectVerdict(settings.thresholds)
  })
})
