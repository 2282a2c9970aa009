/**
 * The idle check must fire on a client that cannot keep a connection alive
 * behind a load balancer's idle timeout, and pass the healthy client:
 *   - with `heartbeat: false` the proxy's idle timeout closes every silent
 *     connection, which the verdict counts as unexpected disconnects (fail);
 *   - with the profile's heartbeat there are none (pass).
 */
import { test, expect, run } from '../../fixtures/index.ts'

test.describe('idle', () => {
  // The server's own keepalive pings would keep the connection busy and mask the client's missing heartbeat.
  test.use({ targetSpec: { kind: 'reference', env: { SYNC_HEARTBEAT_INTERVAL_MS: '600000' } }, proxyIdleTimeoutMs: run.profile.scenarios.idle.idleTimeoutMs })
  for (const heartbeat of [false, true]) {
    test(`idle: a client ${heartbeat ? 'with' : 'without'} a heartbeat ${heartbeat ? 'stays connected' : 'is cut by the idle timeout and fails'}`, async ({ profile, swarm, faults, workload, oracle, recorder }) => {
      const settings = profile.scenarios.idle
      const { replicas } = await swarm.spawn(settings, { url: faults.url, connect: heartbeat ? {} : { heartbeat: false } })
      await new Promise(resolve => setTimeout(resolve, settings.idlePeriods * settings.idleTimeoutMs))
      await workload.run(replicas, settings)
      await oracle.check({ replicas })
      const unexpected = recorder.metrics.figures.unexpectedDisconnects
      const { verdict, breaches } = recorder.judge(settings.thresholds)
      if (heartbeat) {
        expect(unexpected).toBe(0)
        expect(verdict, recorder.metrics.verdictReasons.join('\n')).toBe('pass')
      } else {
        expect(unexpected).toBeGreaterThan(0)
        expect(breaches.map(b => b.figure)).toContain('unexpectedDisconnects')
        expect(verdict).toBe('fail')
      }
    })
  }
})
