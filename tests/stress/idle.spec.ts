import { test, run } from '../../fixtures/index.ts'

test.use({ proxyIdleTimeoutMs: run.profile.scenarios.idle.idleTimeoutMs })

test('idle: replicas stay silent behind a load balancer idle timeout; heartbeats keep them connected', { tag: '@idle' }, async ({ profile, swarm, faults, workload, oracle, recorder }) => {
  const settings = profile.scenarios.idle
  const idleMs = settings.idlePeriods * settings.idleTimeoutMs
  const { replicas } = await test.step(`arrange: spawn the swarm behind a proxy that closes connections idle for ${settings.idleTimeoutMs} ms`, async () => await swarm.spawn(settings, { url: faults.url }))
  await test.step(`fault: stay idle for ${settings.idlePeriods} × ${settings.idleTimeoutMs} ms`, async () => {
    recorder.figure('idleMs', idleMs)
    await new Promise(resolve => setTimeout(resolve, idleMs))
  })
  await test.step('workload: a short probe through the idle connections', async () => { await workload.run(replicas, settings) })
  await test.step('quiesce: converge; every close was unexpected (no fault was injected)', async () => { await oracle.check({ replicas }) })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
