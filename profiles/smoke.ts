import type { ProfileInput } from './schema.ts'

/** CI on a 2-core machine: every scenario in a few minutes per browser. */
export const smoke: ProfileInput = {
  name: 'smoke',
  description: 'CI on 2 cores: small swarms, short runs, strict correctness, loose latency bounds',
  convergenceDeadlineMs: 15_000,
  ackDeadlineMs: 10_000,
  contextBatch: 4,
  client: { heartbeat: { intervalMs: 2_000, timeoutMs: 6_000 }, backoff: { initialMs: 100, maxMs: 2_000 } },
  scenarios: {
    baseline: {
      swarm: { contexts: 2, replicasPerPage: 2, nodeReplicas: 2 },
      ratePerReplica: 2, durationMs: 5_000,
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'],
        propagationMs: ['p(95)<1000'], ackMs: ['p(95)<1000'], convergenceMs: ['value<5000']
      }
    },
    ramp: {
      swarm: { contexts: 6, replicasPerPage: 2, nodeReplicas: 0 },
      ratePerReplica: 1, durationMs: 8_000,
      stages: [{ contexts: 2, holdMs: 1_000 }, { contexts: 4, holdMs: 1_000 }, { contexts: 6, holdMs: 3_000 }],
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'],
        propagationMs: ['p(95)<2000'], ackMs: ['p(95)<2000']
      }
    },
    conflict: {
      swarm: { contexts: 3, replicasPerPage: 2, nodeReplicas: 2 },
      ratePerReplica: 5, durationMs: 5_000, sharedTodos: 3,
      mix: { create: 10, update: 50, delete: 30, read: 10 },
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'],
        propagationMs: ['p(95)<1500'], convergenceMs: ['value<10000']
      }
    },
    burst: {
      swarm: { contexts: 2, replicasPerPage: 2, nodeReplicas: 0 },
      ratePerReplica: 25, durationMs: 4_000,
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'],
        propagationMs: ['p(95)<2000'], ackMs: ['p(99)<3000']
      }
    },
    coldsync: {
      swarm: { contexts: 2, replicasPerPage: 1, nodeReplicas: 0 },
      ratePerReplica: 1, durationMs: 1, preloadItems: 1_000,
      thresholds: { divergentReplicas: ['value==0'], coldLoadMs: ['p(95)<5000'] }
    }
  }
}
