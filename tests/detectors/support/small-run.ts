/**
 * What most detector self-tests run: a small, short swarm (a page with two
 * replicas and two Node replicas) through the baseline story (spawn, the
 * seeded workload, the oracle), against whatever target and client the
 * test chose. Broken knobs go in through the spawn options.
 */
import { baselineSettings } from '../../../scenarios/baseline.ts'
import type { WorkloadSettings } from '../../../scenarios/base.ts'
import type { Oracle, OracleResult } from '../../../fixtures/oracle.ts'
import type { SpawnOptions, Swarm } from '../../../fixtures/swarm.ts'
import type { Workload } from '../../../fixtures/workload.ts'

/** Small and short: a browser page with two replicas plus two Node replicas. */
export const smallRun: WorkloadSettings = baselineSettings.parse({
  swarm: { contexts: 1, pagesPerContext: 1, replicasPerPage: 2, nodeReplicas: 2 },
  ratePerReplica: 4,
  durationMs: 3_000
})

/**
 * Spawn, workload, quiesce: the baseline story on `settings`.
 * @param {{ deadlineMs?: number }} check a detector's shorter convergence deadline
 */
export const converge = async ({ swarm, workload, oracle }: { swarm: Swarm, workload: Workload, oracle: Oracle }, settings: WorkloadSettings & { sharedTodos?: number } = smallRun, spawn: SpawnOptions = {}, check: { deadlineMs?: number } = {}): Promise<OracleResult> => {
  const { replicas } = await swarm.spawn(settings, spawn)
  await workload.run(replicas, settings)
  return await oracle.check({ replicas, ...check })
}
