/**
 * A partition must cost a client that never notices it nothing (DESIGN §5):
 * its socket lives through the outage, and the proxy delivers what it held
 * at the heal, so against a correct server no op is lost. Through the same
 * fault, a server that really drops updates (and acknowledges them) still
 * shows lost ops. Detection and data are judged apart: these clients never
 * notice (no heartbeat), which is the half-open check's business, not a loss.
 */
import { test, expect } from '../../fixtures/index.ts'
import { partitionSide } from '../../fixtures/faults.ts'
import { partitionSettings } from '../../scenarios/partition.ts'
import { faultyRelay } from './support/faulty-relay.ts'

/** Small: a page with two replicas and two Node replicas, half of them cut off for 4 s. */
const settings = partitionSettings.parse({
  swarm: { contexts: 1, pagesPerContext: 1, replicasPerPage: 2, nodeReplicas: 2 },
  ratePerReplica: 3,
  durationMs: 8_000,
  faultAtMs: 2_000,
  faultDurationMs: 4_000,
  faultShare: 0.5
})

for (const { fault, lossy } of [{ fault: 'none', lossy: false }, { fault: 'drop-updates:10', lossy: true }]) {
  test.describe(`server ${fault}`, () => {
    test.use({ targetSpec: faultyRelay(fault, { ack: true }) })
    test(`clients that never notice a partition ${lossy ? 'still show the ops a lossy server dropped' : 'lose nothing with a correct server'}`, async ({ swarm, faults, workload, oracle, recorder }) => {
      const { replicas } = await swarm.spawn(settings, { url: faults.url, connect: { heartbeat: false } })
      const cut = partitionSide(settings.faultShare)(replicas)
      const { faults: [partition] } = await workload.run(replicas, settings, { at: [[settings.faultAtMs, faults.blackhole({ durationMs: settings.faultDurationMs, clients: cut })]] })
      // A lossy server never converges: a short wait is enough to judge it.
      const result = await oracle.check({ replicas, deadlineMs: lossy ? 3_000 : 8_000 })
      await test.info().attach('oracle-message.txt', { body: result.verdict.message })

      // The premise: every cut replica kept its socket through the outage (nothing noticed, nothing reset).
      const cutStats = result.stats.filter(s => cut.some(r => r.id === s.replicaId))
      expect(cutStats).toHaveLength(cut.length)
      expect(cutStats.filter(s => s.connection.some(e => e.state === 'closed' && e.t >= partition!.faultAt)).map(s => s.replicaId)).toEqual([])
      expect(result.history.writes).toBeGreaterThan(20)

      if (lossy) {
        expect(recorder.metrics.figures.lostOps).toBeGreaterThan(0)
        expect(result.verdict.message).toMatch(/acknowledged op\(s\) lost/)
      } else {
        expect(recorder.metrics.figures.lostOps).toBe(0)
        expect(result.ok, result.verdict.message).toBe(true)
      }
    })
  })
}
