import { test } from '../../fixtures/index.ts'
import { partitionSide } from '../../fixtures/faults.ts'
import { recordRecovery } from '../../scenarios/recovery.ts'

test('partition: a subset is cut off, both sides keep editing, then heal and converge', { tag: '@partition' }, async ({ profile, swarm, faults, workload, oracle, recorder }) => {
  const settings = profile.scenarios.partition
  const { replicas } = await test.step('arrange: spawn the swarm behind the chaos proxy', async () => await swarm.spawn(settings, { url: faults.url }))
  const cut = partitionSide(settings.faultShare)(replicas)
  const { faults: [partition] } = await test.step(`workload + fault: cut off ${cut.length} of ${replicas.length} replicas for ${settings.faultDurationMs} ms`, async () =>
    await workload.run(replicas, settings, { at: [[settings.faultAtMs, faults.blackhole({ durationMs: settings.faultDurationMs, clients: cut, hold: settings.hold })]] }))
  await test.step('quiesce: both sides converge, then measure the recovery', async () => {
    const { stats } = await oracle.check({ replicas })
    recordRecovery(recorder, stats.filter(s => cut.some(r => r.id === s.replicaId)), partition!, { everyone: stats, roomOf: swarm.roomOf })
  })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
