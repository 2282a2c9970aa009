import { test } from '../../fixtures/index.ts'
import { recordSpikeRecovery } from '../../scenarios/spike.ts'

test('spike: a 10× jump in write rate; propagation recovers to its baseline after it', { tag: '@spike' }, async ({ profile, swarm, workload, oracle, recorder }) => {
  const settings = profile.scenarios.spike
  const spikeRate = settings.ratePerReplica * settings.spikeFactor
  const { replicas } = await test.step('arrange: spawn the swarm', async () => await swarm.spawn(settings))
  const spike = await test.step(`workload + fault: ${settings.ratePerReplica} op/s, then ${spikeRate} op/s for ${settings.spikeDurationMs} ms, then back`, async () => {
    await workload.run(replicas, settings)
    recorder.mark(`spike: ${spikeRate} op/s per replica for ${settings.spikeDurationMs} ms`)
    const spiked = await workload.run(replicas, { ...settings, ratePerReplica: spikeRate, durationMs: settings.spikeDurationMs })
    recorder.mark(`workload: back to ${settings.ratePerReplica} op/s per replica for ${settings.durationMs} ms`)
    await workload.run(replicas, settings)
    return { spikeStartAt: spiked.startedAt, spikeEndAt: spiked.startedAt + settings.spikeDurationMs }
  })
  const { stats } = await test.step('quiesce: converge, then check every room', async () => await oracle.check({ replicas }))
  await test.step('assert: recovery after the spike, and thresholds', async () => {
    recordSpikeRecovery(recorder, settings, stats, spike)
    recorder.expectVerdict(settings.thresholds)
  })
})
