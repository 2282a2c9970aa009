import { derive } from './derive.ts'
import { medium } from './medium.ts'

/**
 * The real-world load test plan: 10,000 concurrent two-participant sessions
 * of Node replicas plus a few dozen browser replicas, held for 5 minutes.
 * 20,000 sockets in one runner need `ulimit -n` above ~21,000 (the suite says so when it is not).
 */
export const heavy = derive(medium, {
  name: 'heavy',
  description: 'the load test plan: 10,000 concurrent sessions held 5 minutes, 5-minute workloads',
  convergenceDeadlineMs: 120_000,
  ackDeadlineMs: 60_000,
  scenarios: {
    baseline: { swarm: { contexts: 16, replicasPerPage: 5, nodeReplicas: 500 }, durationMs: 300_000 },
    ramp: {
      swarm: { contexts: 48, replicasPerPage: 5, nodeReplicas: 0 }, durationMs: 300_000,
      stages: [{ contexts: 16, holdMs: 60_000 }, { contexts: 32, holdMs: 60_000 }, { contexts: 48, holdMs: 180_000 }]
    },
    flood: { swarm: { contexts: 0, nodeReplicas: 10_000 }, durationMs: 30_000 },
    sessions: {
      swarm: { contexts: 0, nodeReplicas: 20_000 },
      browserSwarm: { contexts: 6, replicasPerPage: 6, nodeReplicas: 0 },
      connectBatch: 500,
      durationMs: 300_000
    }
  }
})
