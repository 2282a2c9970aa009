import { test } from '../../fixtures/index.ts'
import { recordHalfOpen, recordRecovery, watchHalfOpen } from '../../scenarios/recovery.ts'

test('half-open: all traffic is blackholed; heartbeats must notice, then the link heals', { tag: '@halfopen' }, async ({ profile, swarm, faults, workload, oracle, recorder }) => {
  const settings = profile.scenarios.halfopen
  const { replicas } = await test.step('arrange: spawn the swarm behind the chaos proxy', async () => await swarm.spawn(settings, { url: faults.url }))
  const { faults: [blackhole] } = await test.step(`workload + fault: blackhole all traffic for ${settings.faultDurationMs} ms at ${settings.faultAtMs} ms (kept up to ${settings.watchLimitMs} ms while a client has not noticed)`, async () =>
    await workload.run(replicas, settings, { at: [[settings.faultAtMs, faults.blackhole({ durationMs: settings.faultDurationMs, watch: watchHalfOpen(swarm, replicas, settings.watchLimitMs), hold: settings.hold })]] }))
  await test.step('quiesce: converge, then measure detection and recovery', async () => {
    const { stats } = await oracle.check({ replicas })
    recordHalfOpen(recorder, stats, blackhole!, settings.faultDurationMs)
    recordRecovery(recorder, stats, blackhole!)
  })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
