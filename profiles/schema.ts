/**
 * Profiles: sizes, rates, durations and thresholds as data (k6 style),
 * validated before the run. Types come from these schemas.
 *
 * @module profiles/schema
 */
import { z } from 'zod'
import { thresholdsSchema } from './thresholds.ts'
import { opMixSchema, defaultMix } from '../workload/generator.ts'

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
  thresholds: thresholdsSchema.default({})
})
export type Scenario = z.infer<typeof scenarioSchema>

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
    spike: scenarioSchema
  })
})
export type Profile = z.infer<typeof profileSchema>
export type ProfileInput = z.input<typeof profileSchema>
export type ScenarioName = keyof Profile['scenarios']
