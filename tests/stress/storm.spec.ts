import { test } from '../../fixtures/index.ts'
import { recordRecovery } from '../../scenarios/recovery.ts'

test('reconnect storm: everyone is dropped at once; first retries must be spread (jitter)', { tag: '@storm' }, async ({ profile, swarm, faults, workload, oracle, recorder }) => {
  const settings = profile.scenarios.storm
  const { replicas } = await test.step(`arrange: spawn the swarm behind the chaos proxy, backoff from ${settings.backoffInitialMs} ms`, async () =>
    await swarm.spawn(settings, { url: faults.url, connect: { backoff: { initialMs: settings.backoffInitialMs } } }))
  const { faults: [reset] } = await test.step(`workload + fault: reset every connection at once at ${settings.faultAtMs} ms`, async () =>
    await workload.run(replicas, settings, { at: [[settings.faultAtMs, faults.reset()]] }))
  await test.step('quiesce: converge, then measure how the retries spread', async () => {
    const { stats } = await oracle.check({ replicas })
    recordRecovery(recorder, stats, reset!, { roomOf: swarm.roomOf })
  })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
