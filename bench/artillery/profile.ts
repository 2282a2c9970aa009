/**
 * syncstorm's side of bench:artillery: the @ramp scenario as Artillery's
 * users run, all contexts in one stage (STRESS_CONTEXTS scales it) with one
 * replica per context, in one room at 1 op/s, holding for `holdMs`. Artillery
 * holds its users for the same time (bench/artillery/run-artillery.ts).
 *
 * @module bench/artillery/profile
 */
import { derive, smoke } from '../../profiles/index.ts'

/** Both sides write for this long with every user live; CPU is sampled every 500 ms meanwhile. */
export const holdMs = 15_000

export default derive(smoke, {
  name: 'bench-artillery',
  description: 'bench:artillery: every context in one stage, one replica per context, one room, 1 op/s',
  scenarios: {
    ramp: {
      swarm: { contexts: 1, replicasPerPage: 1, nodeReplicas: 0 },
      ratePerReplica: 1,
      rooms: { count: 1 },
      stages: [{ contexts: 1, holdMs }]
    }
  }
})
