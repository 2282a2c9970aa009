import type { ProfileInput } from './schema.ts'

/**
 * Fault-free delivery and ack limits: the SyncKairos k6 plan's WebSocket targets. A relay that delays every
 * delivery by 100 ms fails them (tests/detectors/latency-thresholds.spec.ts); healthy runs measured on a 2-core
 * host are in the README ("Profiles and thresholds"). A saturated generator makes a run invalid, not failed.
 */
const deliveryLimits = ['p(95)<100', 'p(99)<250']
/** A durable-write ack waits for the server's store as well: measured up to ≈ 100 ms p95 and 215 ms p99 in healthy @conflict runs. */
const ackLimits = ['p(95)<250', 'p(99)<500']

/** CI on a 2-core machine: every scenario in a few minutes per browser. */
export const smoke: ProfileInput = {
  name: 'smoke',
  description: 'CI on 2 cores: small swarms, short runs, strict correctness, loose latency bounds',
  convergenceDeadlineMs: 15_000,
  ackDeadlineMs: 10_000,
  contextBatch: 4,
  client: { connectTimeoutMs: 2_000, heartbeat: { intervalMs: 2_000, timeoutMs: 6_000 }, backoff: { initialMs: 100, maxMs: 2_000 } },
  heap: {
    sampleIntervalMs: 5_000, warmupSamples: 2, minSamples: 6,
    // A server heap after GC swings by ≈ ±150 KiB between samples against ≈ 90 KiB of growth per 5 s: ten samples left
    // the leaking server's interval reaching below the bound (594 KB/min in one CI run), fifty keep it clear.
    serverSampleIntervalMs: 1_000,
    // Between the reference stack's own growth (its documents grow: client ≈ 350 KiB/min, 1.4 kB/op; server, relaying raw
    // frames and building the document only when asked, 259 KiB/min [204 … 332], 1.0 kB/op [0.7 … 1.2] sampled every
    // second, at this soak's size) and tests/detectors/leak.spec.ts's leaking client and server (≈ 2.5×, client
    // 870 KiB/min [834 … 904]; server ≈ 4×, 1110 KiB/min [1047 … 1201], 4.3 kB/op [3.9 … 4.7]).
    client: { bytesPerMin: 491_520, bytesPerOp: 2_000 },
    // Per closed connection (@sessions' end, 200 connections in 10 waves): healthy slopes fell, heap after GC of the reference
    // -7.0 KiB [-8.5 … -6.4], RSS of the official server -1.7 KiB [-4.2 … 0]; 64 KiB kept per close measured 64.0 KiB [64.0 … 68.8].
    server: { bytesPerMin: 600_000, bytesPerOp: 2_400, bytesPerConnection: 16_384 },
    // RSS grows in steps and is seldom given back: calibrated on this soak's healthy runs (Theil–Sen slope [bootstrap 95%]):
    // reference 819 KiB/min [-677 … 1430], 2.9 kB/op [-2.7 … 6.3]; official @y/websocket-server 1327 KiB/min [148 … 2736],
    // 5.6 kB/op [0.6 … 11.4]. The bounds sit at ~3× the healthy slopes and above every healthy interval's upper end.
    serverRss: { bytesPerMin: 4_000_000, bytesPerOp: 16_000, bytesPerConnection: 16_384 }
  },
  scenarios: {
    baseline: {
      swarm: { contexts: 2, replicasPerPage: 2, nodeReplicas: 2 },
      ratePerReplica: 2, durationMs: 5_000, store: 'opfs-worker',
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'], unexpectedDisconnects: ['value==0'],
        propagationMs: deliveryLimits, ackMs: ackLimits, convergenceMs: ['value<5000']
      }
    },
    ramp: {
      swarm: { contexts: 6, replicasPerPage: 2, nodeReplicas: 0 },
      ratePerReplica: 1, durationMs: 8_000,
      stages: [{ contexts: 2, holdMs: 1_000 }, { contexts: 4, holdMs: 1_000 }, { contexts: 6, holdMs: 3_000 }],
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'],
        propagationMs: deliveryLimits, ackMs: ackLimits
      }
    },
    conflict: {
      swarm: { contexts: 3, replicasPerPage: 2, nodeReplicas: 2 },
      ratePerReplica: 5, durationMs: 5_000, sharedTodos: 3,
      mix: { create: 10, update: 50, delete: 30, read: 10 },
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'],
        propagationMs: deliveryLimits, ackMs: ackLimits, convergenceMs: ['value<10000']
      }
    },
    burst: {
      swarm: { contexts: 2, replicasPerPage: 2, nodeReplicas: 0 },
      ratePerReplica: 25, durationMs: 4_000,
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'],
        propagationMs: deliveryLimits, ackMs: ackLimits
      }
    },
    crash: {
      swarm: { contexts: 2, replicasPerPage: 2, nodeReplicas: 2 },
      ratePerReplica: 5, durationMs: 4_000, faultAtMs: 2_500, downMs: 1_000,
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
        halfOpenUndetected: ['value==0'], halfOpenDetectMs: ['value<9000'], timeToResyncMs: ['p(95)<5000']
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
        churnJoinSyncMs: ['p(95)<5000'], propagationMs: ['p(95)<2000']
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
      // Recovery is measured in the 5 s at the base rate after the spike: its limit must be below that to be able to fail.
      ratePerReplica: 2, durationMs: 5_000, spikeFactor: 10, spikeDurationMs: 3_000, spikeNoiseFloorMs: 50,
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'], spikeRecoveryMs: ['value<3000']
      }
    },
    sessions: {
      // 200 Node sessions (one connection each, two per room) in 2 load workers, plus 2 browser sessions measuring what users see.
      swarm: { contexts: 0, nodeReplicas: 200 },
      loadWorkers: 2,
      browserSwarm: { contexts: 1, replicasPerPage: 4, nodeReplicas: 0 },
      rooms: { perRoom: 2, spread: 'fill' },
      connectBatch: 100,
      // Without classes every replica writes at ratePerReplica; with them, each class at its own rate.
      ratePerReplica: 0.2, durationMs: 15_000,
      classes: [
        { name: 'light', share: 0.4, ratePerReplica: 0.05 },
        { name: 'active', share: 0.5, ratePerReplica: 0.2 },
        { name: 'power', share: 0.1, ratePerReplica: 1, batchSize: 5 }
      ],
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'],
        nodePropagationMs: deliveryLimits, browserPropagationMs: deliveryLimits, opErrorRate: ['value<0.01'], serverLeak: ['value==0']
      }
    },
    coldsync: {
      swarm: { contexts: 2, replicasPerPage: 1, nodeReplicas: 0 },
      preloadItems: 1_000,
      thresholds: { lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'], coldLoadMs: ['p(95)<5000'] }
    },
    soak: {
      // About a minute at 1 op/s per replica with a heap sample every 5 s: long enough to catch a client keeping every update.
      swarm: { contexts: 2, replicasPerPage: 1, nodeReplicas: 2 },
      ratePerReplica: 1, durationMs: 60_000,
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'],
        opSuccessRate: ['value>0.99'], unexpectedDisconnects: ['value<10'], clientLeaks: ['value==0'], serverLeak: ['value==0'],
        propagationMs: deliveryLimits, ackMs: ackLimits
      }
    },
    opfs: {
      // No swarm and no workload: one harness page runs the stores side by side.
      // 10 items: one sample per batch call, 100 rounds. 100 / 1000 items: one sample per single-item call
      // (batches of 1000 take seconds per round in Firefox), 1 round, and 100 list calls.
      storeBench: {
        // Restores (reopen, list, read all: a new worker each for the worker stores) are trimmed to fit the budget: none
        // at 10 items, 20 at 100, 3 at 1000 (Firefox: a file-per-key restore of 1000 items takes 4.5 s in a worker).
        // Compactions (opfs-log): one per round at 10 items, 100 at 100, 20 at 1000.
        sizes: [
          { items: 10, rounds: 100, sample: 'batch', restoreCalls: 0 },
          { items: 100, rounds: 1, sample: 'item', listCalls: 100, restoreCalls: 20, compactCalls: 100 },
          { items: 1000, rounds: 1, sample: 'item', listCalls: 100, restoreCalls: 3, compactCalls: 20 }
        ],
        // Per store and size. On an idle 2-core host Firefox's OPFS stores took 18–35 s for 100 rounds of 10 items
        // and 26–36 s for 1000 items (Chromium: 3–5 s and 13–14 s); a plan that does not fit makes the run invalid
        // (fewer than 100 samples). In the main job Firefox's worker store wrote 1000 items one by one in 36.5, 42.1,
        // 44.5, 45.4 and 55.8 s, the last past a 50 s budget before its deletes. About 2.5 min per browser.
        budgetMs: 80_000
      },
      thresholds: { opfsStoreErrors: ['value==0'] }
    },
    persist: {
      // The first page's replicas reload twice (after online edits, then after offline edits), cut off each time.
      swarm: { contexts: 2, replicasPerPage: 2, nodeReplicas: 1 },
      // auto: the reference client's default store (opfs-log where a worker has sync access handles, else IndexedDB).
      ratePerReplica: 3, durationMs: 3_000, store: 'auto',
      thresholds: {
        lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'],
        persistNotRestored: ['value==0'], persistRestoreMs: ['p(95)<10000']
      }
    },
    rejoin: {
      // Three rooms of two (a page's replica and a Node replica each). They empty and stay empty 0 ms, then 3 s (longer
      // than a typical store's 2 s save debounce), one test each; a third test stops the server gracefully mid-writes.
      swarm: { contexts: 1, replicasPerPage: 3, nodeReplicas: 3 },
      rooms: { perRoom: 2, spread: 'round-robin' },
      ratePerReplica: 3, durationMs: 3_000, emptyMs: [0, 3_000], faultAtMs: 2_000, downMs: 500,
      thresholds: { lostOps: ['value==0'], phantomOps: ['value==0'], divergentReplicas: ['value==0'], rejoinSyncMs: ['p(95)<5000'] }
    }
  }
}
