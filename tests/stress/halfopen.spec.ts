import { test } from '../../fixtures/index.ts'
import { recordHalfOpen, recordRecovery, watchHalfOpen } from '../../scenarios/recovery.ts'
import { halfOpenDeadline } from '../../oracle/client-timeouts.ts'

test('half-open: all traffic is blackholed; heartbeats must notice, then the link heals', { tag: '@halfopen' }, async ({ profile, client, swarm, faults, workload, oracle, recorder }) => {
  const settings = profile.scenarios.halfopen
  // The client's own dead-connection timeout where its adapter declares one, else the suite's heartbeat's (oracle/client-timeouts.ts).
  const deadline = halfOpenDeadline(client, { heartbeatTimeoutMs: profile.client.heartbeat.timeoutMs, faultDurationMs: settings.faultDurationMs })
  const { replicas } = await test.step('arrange: spawn the swarm behind the chaos proxy', async () => await swarm.spawn(settings, { url: faults.url }))
  const { faults: [blackhole] } = await test.step(`workload + fault: blackhole all traffic for ${settings.faultDurationMs} ms at ${settings.faultAtMs} ms (kept up to ${settings.watchLimitMs} ms while a client has not noticed)`, async () =>
    await workload.run(replicas, settings, { at: [[settings.faultAtMs, faults.blackhole({ durationMs: settings.faultDurationMs, watch: watchHalfOpen(swarm, replicas, settings.watchLimitMs), hold: settings.hold })]] }))
  await test.step('quiesce: converge, then measure detection and recovery', async () => {
    const { stats } = await oracle.check({ replicas })
    recordHalfOpen(recorder, stats, blackhole!, deadline)
    recordRecovery(recorder, stats, blackhole!, { roomOf: swarm.roomOf })
  })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
