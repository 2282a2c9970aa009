/**
 * Profiles: sizes, rates, durations and thresholds as data (k6 style),
 * validated before the run. Types come from these schemas.
 *
 * @module profiles/schema
 */
import { z } from 'zod'
import { thresholdsSchema } from './thresholds.ts'
import { opMixSchema, defaultMix, replicaClassesSchema } from '../workload/generator.ts'

/**
 * How a scenario's replicas spread over rooms (documents): `count` rooms, or
 * rooms of `perRoom` participants. `round-robin` deals replica i to room
 * i mod rooms; `fill` fills room 0, then room 1... Without it, one room.
 */
export const roomsSchema = z.object({
  count: z.number().int().min(1).max(1_000_000).optional(),
  perRoom: z.number().int().min(1).max(100_000).optional(),
  spread: z.enum(['round-robin', 'fill']).default('round-robin')
}).refine(rooms => (rooms.count === undefined) !== (rooms.perRoom === undefined), 'rooms needs exactly one of count or perRoom')
export type Rooms = z.infer<typeof roomsSchema>

/**
 * Generator saturation rule (DESIGN §4 generator health): during a measured
 * phase, when the runner's event-loop lag p99, the host CPU or the browser
 * round-trip stays above its bound for `sustainedMs`, the test is `invalid`.
 */
export const generatorRuleSchema = z.object({
  maxLoopLagMs: z.number().positive(),
  maxCpuPct: z.number().positive().max(100),
  maxRoundTripMs: z.number().positive(),
  sustainedMs: z.number().int().min(0),
  /** Sampling period of loop lag, CPU and round-trip. */
  sampleEveryMs: z.number().int().min(50).default(500),
  /** Off: the figures are recorded but never invalidate (the self-tests judge detectors, not the machine). */
  enabled: z.boolean().default(true)
})
export type GeneratorRule = z.infer<typeof generatorRuleSchema>

export const swarmShapeSchema = z.object({
  /** Browser contexts (each its own renderer: about 75 MB in Chromium). */
  contexts: z.number().int().min(0).max(1000),
  pagesPerContext: z.number().int().min(1).max(50).default(1),
  /** Replicas hosted by one page, each with its own doc and socket. */
  replicasPerPage: z.number().int().min(1).max(500).default(1),
  /** Protocol-level replicas in the runner's Node process. */
  nodeReplicas: z.number().int().min(0).max(100_000).default(0)
})
export type SwarmShape = z.infer<typeof swarmShapeSchema>

/**
 * The OPFS benchmark's sizes. `sample: 'batch'`: one sample is one store call
 * carrying all `items` (one per round); `'item'`: one call per item, so a round
 * gives `items` samples. A list sample is one list() of `items` keys, made
 * `listCalls` times per round. `budgetMs` bounds each store × size: no round
 * starts after it, and the figures then hold fewer samples.
 */
export const storeBenchSchema = z.object({
  stores: z.array(z.enum(['opfs-main', 'opfs-worker', 'indexeddb'])).min(1).default(['opfs-main', 'opfs-worker', 'indexeddb']),
  itemBytes: z.number().int().positive().default(1024),
  sizes: z.array(z.object({
    items: z.number().int().positive(),
    rounds: z.number().int().positive(),
    sample: z.enum(['batch', 'item']),
    listCalls: z.number().int().positive().default(1)
  })).min(1),
  budgetMs: z.number().int().positive(),
  /** Rounds are run in chunks of this many, alternating the stores, so a change in host load hits all of them alike. */
  chunkRounds: z.number().int().positive().default(20)
})
export type StoreBenchPlan = z.infer<typeof storeBenchSchema>

export const stageSchema = z.object({
  /** Browser contexts live at the end of this stage. */
  contexts: z.number().int().min(0),
  /** Time to hold once the stage is reached. */
  holdMs: z.number().int().min(0)
})

export const scenarioSchema = z.object({
  swarm: swarmShapeSchema,
  ratePerReplica: z.number().positive(),
  durationMs: z.number().int().positive(),
  mix: opMixSchema.default(defaultMix),
  /** Ramp: contexts are added in these stages (k6 `stages`), in parallel batches. */
  stages: z.array(stageSchema).optional(),
  /** Conflict storm: everyone works on this many shared todos. */
  sharedTodos: z.number().int().positive().optional(),
  /** Cold sync: items preloaded on the target before fresh replicas join. */
  preloadItems: z.number().int().positive().optional(),
  /** Fault scenarios: when the fault starts, from the start of the workload, and how long it lasts. */
  faultAtMs: z.number().int().min(0).optional(),
  faultDurationMs: z.number().int().min(0).optional(),
  /** Share of the replicas a partial fault cuts off (a partition). */
  faultShare: z.number().gt(0).max(1).optional(),
  /** Overrides the profile's client backoff base for this scenario (a storm needs a visible window). */
  backoffInitialMs: z.number().positive().optional(),
  /** Churn: every this often one replica leaves and a fresh one joins. */
  churnEveryMs: z.number().int().positive().optional(),
  /** Churn: every this-many-th joiner is a browser replica, the rest are Node replicas. */
  churnBrowserEvery: z.number().int().positive().optional(),
  /** Idle: the chaos proxy closes connections with no bytes either way for this long (a load balancer's idle timeout). */
  idleTimeoutMs: z.number().int().positive().optional(),
  /** Spike: the rate is multiplied by this factor for `spikeDurationMs`, between two base-rate periods of `durationMs`. */
  spikeFactor: z.number().gt(1).optional(),
  spikeDurationMs: z.number().int().positive().optional(),
  /** Spike: the recovery limit is never below this (loopback p95s of a few ms are mostly noise). */
  spikeNoiseFloorMs: z.number().min(0).optional(),
  /** Replicas spread over several rooms (documents); ops and convergence stay within a room. */
  rooms: roomsSchema.optional(),
  /** Replica classes (shares with their own rate and batch size); without them all write at `ratePerReplica`. */
  classes: replicaClassesSchema.optional(),
  /** Node replicas connected in parallel per batch (large swarms). */
  connectBatch: z.number().int().positive().optional(),
  /** Sessions: the browser replicas measuring what users see, in their own rooms beside the Node sessions. */
  browserSwarm: swarmShapeSchema.optional(),
  /** Browser replicas persist to this store (Node replicas have none); the run then records `storePersistMs`. */
  store: z.enum(['opfs-main', 'opfs-worker', 'indexeddb']).optional(),
  /** OPFS benchmark: the stores side by side at each size (fixtures/opfs-scenario.ts). */
  storeBench: storeBenchSchema.optional(),
  thresholds: thresholdsSchema.default({})
})
export type Scenario = z.infer<typeof scenarioSchema>

/** A leak is a slope whose bootstrap interval lies above both bounds (metrics/leak.ts). */
export const leakThresholdSchema = z.object({ bytesPerMin: z.number().min(0), bytesPerOp: z.number().min(0) })

/** Heap sampling (fixtures/heap.ts) and the leak verdict. */
export const heapSettingsSchema = z.object({
  /** How often every Chromium page and the server are GC'd and sampled. */
  sampleIntervalMs: z.number().int().min(500),
  /** Leading samples dropped before fitting (page load, first sync, JIT warm-up). */
  warmupSamples: z.number().int().min(0),
  /** Fewer samples than this after the warm-up: no leak verdict for that series. */
  minSamples: z.number().int().min(3),
  client: leakThresholdSchema,
  server: leakThresholdSchema,
  bootstrapResamples: z.number().int().min(100).max(100_000).default(1_000),
  confidence: z.number().gt(0.5).lt(1).default(0.95)
})
export type HeapSettings = z.infer<typeof heapSettingsSchema>

export const profileSchema = z.object({
  name: z.string(),
  description: z.string(),
  /** From quiesce until all digests must match; a miss is a `stuck` failure. */
  convergenceDeadlineMs: z.number().int().positive(),
  /** How long after quiesce a write may still wait for its ack. */
  ackDeadlineMs: z.number().int().positive(),
  /** Contexts created in parallel per batch. */
  contextBatch: z.number().int().positive().default(5),
  client: z.object({
    /** A connection attempt not open by then is abandoned and retried. */
    connectTimeoutMs: z.number().positive(),
    heartbeat: z.object({ intervalMs: z.number().positive(), timeoutMs: z.number().positive() }),
    backoff: z.object({ initialMs: z.number().positive(), maxMs: z.number().positive() })
  }),
  /** When a measured phase's figures are the generator's, not the target's: the verdict becomes invalid. */
  generator: generatorRuleSchema.default({ maxLoopLagMs: 250, maxCpuPct: 98, maxRoundTripMs: 1_000, sustainedMs: 5_000, sampleEveryMs: 500, enabled: true }),
  heap: heapSettingsSchema,
  scenarios: z.object({
    baseline: scenarioSchema,
    ramp: scenarioSchema,
    conflict: scenarioSchema,
    burst: scenarioSchema,
    coldsync: scenarioSchema,
    crash: scenarioSchema,
    drop: scenarioSchema,
    halfopen: scenarioSchema,
    partition: scenarioSchema,
    storm: scenarioSchema,
    churn: scenarioSchema,
    flood: scenarioSchema,
    idle: scenarioSchema,
    spike: scenarioSchema,
    sessions: scenarioSchema,
    soak: scenarioSchema,
    opfs: scenarioSchema,
    persist: scenarioSchema
  })
})
export type Profile = z.infer<typeof profileSchema>
export type ProfileInput = z.input<typeof profileSchema>
export type ScenarioName = keyof Profile['scenarios']
