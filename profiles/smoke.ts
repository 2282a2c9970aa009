import type { ProfileInput } from './schema.ts'

/** CI on a 2-core machine: every scenario in a few minutes per browser. */
export const smoke: ProfileInput = {
  name: 'smoke',
  description: 'CI on 2 cores: small swarms, short runs, strict correctness, loose latency bounds',
  convergenceDeadlineMs: 15_000,
  ackDeadlineMs: 10_000,
  contextBatch: 4,
  client: { connectTimeoutMs: 2_000, heartbeat: { intervalMs: 2_000, timeoutMs: 6_000 }, backoff: { initialMs: 100, maxMs: 2_000 } },
  scenarios: {
    baseline: {
      swarm: { contexts: 2, replicasPerPage: 2, nodeReplicas: 2 },
      ratePerReplica: 2, durationMs: 5_000,
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'], unexpectedDisconnects: ['value==0'],
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
    crash: {
      swarm: { contexts: 2, replicasPerPage: 2, nodeReplicas: 2 },
      ratePerReplica: 5, durationMs: 4_000, faultAtMs: 2_500, faultDurationMs: 1_000,
      thresholds: { lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'] }
    },
    drop: {
      swarm: { contexts: 2, replicasPerPage: 2, nodeReplicas: 2 },
      ratePerReplica: 3, durationMs: 6_000, faultAtMs: 2_500,
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'], unexpectedDisconnects: ['value==0'],
        timeToReconnectMs: ['p(95)<3000'], timeToResyncMs: ['p(95)<4000']
      }
    },
    halfopen: {
      swarm: { contexts: 2, replicasPerPage: 2, nodeReplicas: 2 },
      ratePerReplica: 2, durationMs: 14_000, faultAtMs: 2_000, faultDurationMs: 9_000,
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'],
        halfOpenUndetected: ['value==0'], halfOpenDetectMs: ['max<9000'], timeToResyncMs: ['p(95)<5000']
      }
    },
    partition: {
      swarm: { contexts: 2, replicasPerPage: 2, nodeReplicas: 2 },
      ratePerReplica: 3, durationMs: 14_000, faultAtMs: 2_000, faultDurationMs: 9_000, faultShare: 0.5,
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'], unexpectedDisconnects: ['value==0'],
        timeToResyncMs: ['p(95)<5000']
      }
    },
    storm: {
      swarm: { contexts: 2, replicasPerPage: 3, nodeReplicas: 6 },
      ratePerReplica: 1, durationMs: 6_000, faultAtMs: 2_000, backoffInitialMs: 1_000,
      thresholds: {
        lostOps: ['value==0'], divergentReplicas: ['value==0'],
        reconnectSpreadMs: ['value>=250'], timeToReconnectMs: ['p(95)<4000']
      }
    },
    churn: {
      swarm: { contexts: 1, replicasPerPage: 2, nodeReplicas: 4 },
      ratePerReplica: 2, durationMs: 8_000, churnEveryMs: 2_000, churnBrowserEvery: 3,
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'], unexpectedDisconnects: ['value==0'],
        churnLeaves: ['value>=3'], churnJoinSyncMs: ['p(95)<5000'], propagationMs: ['p(95)<2000']
      }
    },
    flood: {
      swarm: { contexts: 0, nodeReplicas: 200 },
      ratePerReplica: 0.5, durationMs: 3_000,
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'],
        floodConnectErrors: ['value==0'], floodConnectMs: ['p(95)<10000'], convergenceMs: ['value<10000']
      }
    },
    idle: {
      swarm: { contexts: 1, replicasPerPage: 2, nodeReplicas: 2 },
      ratePerReplica: 1, durationMs: 1_000, idleTimeoutMs: 5_000,
      thresholds: { lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'], unexpectedDisconnects: ['value==0'] }
    },
    spike: {
      swarm: { contexts: 1, replicasPerPage: 2, nodeReplicas: 4 },
      ratePerReplica: 2, durationMs: 5_000, spikeFactor: 10, spikeDurationMs: 3_000, spikeNoiseFloorMs: 50,
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'], spikeRecoveryMs: ['value<30000']
      }
    },
    coldsync: {
      swarm: { contexts: 2, replicasPerPage: 1, nodeReplicas: 0 },
      ratePerReplica: 1, durationMs: 1, preloadItems: 1_000,
      thresholds: { divergentReplicas: ['value==0'], coldLoadMs: ['p(95)<5000'] }
    }
  }
}
