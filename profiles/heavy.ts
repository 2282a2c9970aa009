import { derive } from './derive.ts'
import { medium } from './medium.ts'

/**
 * The real-world load test plan: 10,000 concurrent sessions of one connection
 * each (as its k6 plan counts them), two per room, plus 20 browser replicas,
 * held for 5 minutes. The sessions live in load workers of 5,000 sockets each;
 * the server holds all 10,000 (the suite says so before it starts when
 * `ulimit -n` or the memory is too small).
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
      // 10,000 sessions of one connection each (two per room), in 2 load workers of 5,000; 20 browser replicas measure delivery.
      swarm: { contexts: 0, nodeReplicas: 10_000 },
      browserSwarm: { contexts: 4, replicasPerPage: 5, nodeReplicas: 0 },
      connectBatch: 500,
      durationMs: 300_000
    }
  }
})
