import { test } from '../../fixtures/index.ts'
import { recordRecovery } from '../../scenarios/recovery.ts'

test('drop: every connection is reset mid-workload; replicas reconnect and converge', { tag: '@drop' }, async ({ profile, swarm, faults, workload, oracle, recorder }) => {
  const settings = profile.scenarios.drop
  const { replicas } = await test.step('arrange: spawn the swarm behind the chaos proxy', async () => await swarm.spawn(settings, { url: faults.url }))
  const { faults: [reset] } = await test.step(`workload + fault: reset every connection (ECONNRESET) at ${settings.faultAtMs} ms`, async () =>
    await workload.run(replicas, settings, { at: [[settings.faultAtMs, faults.reset()]] }))
  await test.step('quiesce: converge, then measure the recovery', async () => {
    const { stats } = await oracle.check({ replicas })
    recordRecovery(recorder, stats, reset!, { roomOf: swarm.roomOf })
  })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
