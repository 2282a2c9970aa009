import { derive } from './derive.ts'
import { light } from './light.ts'

/** A dedicated load machine: light × 2–5, two-minute workloads; 5,000 sessions. Every other value is light's (so smoke's). */
export const medium = derive(light, {
  name: 'medium',
  description: 'a dedicated load machine: 2-minute workloads, 5,000 sessions',
  convergenceDeadlineMs: 60_000,
  ackDeadlineMs: 30_000,
  scenarios: {
    baseline: { swarm: { contexts: 8, replicasPerPage: 5, nodeReplicas: 100 }, durationMs: 120_000 },
    ramp: {
      swarm: { contexts: 24, replicasPerPage: 5, nodeReplicas: 0 }, durationMs: 120_000,
      stages: [{ contexts: 8, holdMs: 20_000 }, { contexts: 16, holdMs: 20_000 }, { contexts: 24, holdMs: 80_000 }]
    },
    conflict: { swarm: { contexts: 8, replicasPerPage: 3, nodeReplicas: 40 }, durationMs: 60_000 },
    burst: { swarm: { contexts: 8, replicasPerPage: 2, nodeReplicas: 40 }, durationMs: 30_000 },
    churn: { swarm: { contexts: 4, replicasPerPage: 2, nodeReplicas: 100 }, durationMs: 120_000 },
    flood: { swarm: { contexts: 0, nodeReplicas: 5_000 }, durationMs: 20_000 },
    spike: { swarm: { contexts: 4, replicasPerPage: 2, nodeReplicas: 100 }, durationMs: 30_000 },
    rejoin: { swarm: { contexts: 4, replicasPerPage: 5, nodeReplicas: 40 }, rooms: { perRoom: 6, spread: 'round-robin' }, durationMs: 30_000, faultAtMs: 20_000 },
    sessions: {
      swarm: { contexts: 0, nodeReplicas: 5_000 },
      browserSwarm: { contexts: 4, replicasPerPage: 4, nodeReplicas: 0 },
      connectBatch: 500,
      durationMs: 120_000
    }
  }
})
