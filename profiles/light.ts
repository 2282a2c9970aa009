import { derive } from './derive.ts'
import { smoke } from './smoke.ts'

/** A workstation: a few times smoke, half-minute runs; 1,000 sessions. Every other value is smoke's. */
export const light = derive(smoke, {
  name: 'light',
  description: 'a workstation: a few times smoke, 30 s workloads, 1,000 sessions',
  convergenceDeadlineMs: 30_000,
  ackDeadlineMs: 20_000,
  scenarios: {
    baseline: { swarm: { contexts: 4, replicasPerPage: 4, nodeReplicas: 20 }, durationMs: 30_000 },
    ramp: {
      swarm: { contexts: 12, replicasPerPage: 4, nodeReplicas: 0 }, durationMs: 30_000,
      stages: [{ contexts: 4, holdMs: 5_000 }, { contexts: 8, holdMs: 5_000 }, { contexts: 12, holdMs: 20_000 }]
    },
    conflict: { swarm: { contexts: 4, replicasPerPage: 3, nodeReplicas: 10 }, durationMs: 20_000 },
    burst: { swarm: { contexts: 4, replicasPerPage: 2, nodeReplicas: 10 }, durationMs: 10_000 },
    churn: { swarm: { contexts: 2, replicasPerPage: 2, nodeReplicas: 20 }, durationMs: 30_000 },
    flood: { swarm: { contexts: 0, nodeReplicas: 1_000 }, durationMs: 10_000 },
    spike: { swarm: { contexts: 2, replicasPerPage: 2, nodeReplicas: 20 }, durationMs: 15_000 },
    rejoin: { swarm: { contexts: 2, replicasPerPage: 4, nodeReplicas: 8 }, rooms: { perRoom: 4, spread: 'round-robin' }, durationMs: 10_000, faultAtMs: 6_000 },
    sessions: {
      swarm: { contexts: 0, nodeReplicas: 1_000 },
      browserSwarm: { contexts: 2, replicasPerPage: 4, nodeReplicas: 0 },
      connectBatch: 200,
      durationMs: 60_000
    }
  }
})
