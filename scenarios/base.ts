/**
 * What every scenario's settings share, as zod schemas: a scenario's own
 * schema extends one of these with its fields and their defaults (k6's
 * `scenarios` entries are data; so are these). Profiles (profiles/schema.ts)
 * hold one entry per scenario, each parsed by that scenario's schema, and
 * objects are strict: a misspelt setting fails the profile instead of being
 * ignored.
 *
 *   judgedScenario    thresholds only (a benchmark with no swarm)
 *   swarmScenario     + the swarm, its rooms and the browser replicas' store
 *   workloadScenario  + the seeded workload's rate, duration, mix and classes
 *
 * @module scenarios/base
 */
import { z } from 'zod'
import { thresholdsSchema } from '../profiles/thresholds.ts'
import { opMixSchema, defaultMix, replicaClassesSchema } from '../workload/generator.ts'
import { storeChoiceSchema } from '../client/harness/api.ts'

/**
 * How a scenario's replicas spread over rooms (documents): `count` rooms, or
 * rooms of `perRoom` participants. `round-robin` deals replica i to room
 * i mod rooms; `fill` fills room 0, then room 1... Without it, one room.
 */
export const roomsSchema = z.strictObject({
  count: z.number().int().min(1).max(1_000_000).optional(),
  perRoom: z.number().int().min(1).max(100_000).optional(),
  spread: z.enum(['round-robin', 'fill']).default('round-robin')
}).refine(rooms => (rooms.count === undefined) !== (rooms.perRoom === undefined), 'rooms needs exactly one of count or perRoom')
export type Rooms = z.infer<typeof roomsSchema>

export const swarmShapeSchema = z.strictObject({
  /** Browser contexts (each its own renderer: about 75 MB in Chromium). */
  contexts: z.number().int().min(0).max(1000),
  pagesPerContext: z.number().int().min(1).max(50).default(1),
  /** Replicas hosted by one page, each with its own doc and socket. */
  replicasPerPage: z.number().int().min(1).max(500).default(1),
  /** Protocol-level replicas in the runner's Node process. */
  nodeReplicas: z.number().int().min(0).max(100_000).default(0)
})
export type SwarmShape = z.infer<typeof swarmShapeSchema>
export type SwarmShapeInput = z.input<typeof swarmShapeSchema>

/** Browser replicas persist to this store (Node replicas have none); the run then records `storePersistMs`. */
export const browserStoreSchema = storeChoiceSchema.exclude(['none'])

export const judgedScenario = z.strictObject({
  /** k6-style thresholds keyed by registered figures (profiles/thresholds.ts). */
  thresholds: thresholdsSchema.default({})
})

export const swarmScenario = judgedScenario.extend({
  swarm: swarmShapeSchema,
  /** Replicas spread over several rooms (documents); ops and convergence stay within a room. */
  rooms: roomsSchema.optional(),
  store: browserStoreSchema.optional()
})
export type SwarmPlan = Pick<z.infer<typeof swarmScenario>, 'swarm' | 'rooms' | 'store'>

export const workloadScenario = swarmScenario.extend({
  /** Ops per second per replica (replica classes keep their own). */
  ratePerReplica: z.number().positive(),
  durationMs: z.number().int().positive(),
  mix: opMixSchema.default(defaultMix),
  /** Replica classes (shares with their own rate and batch size); without them all write at `ratePerReplica`. */
  classes: replicaClassesSchema.optional()
})
export type WorkloadSettings = z.infer<typeof workloadScenario>

/** A fault scenario: when, from the start of the workload, the fault starts. */
export const faultAt = z.number().int().min(0)

/**
 * Refines a fault scenario: its fault must start while the workload runs.
 * @param {{ faultAtMs: number, durationMs: number }} settings
 */
export const faultInsideWorkload = (settings: { faultAtMs: number, durationMs: number }): boolean => settings.faultAtMs < settings.durationMs
export const faultInsideWorkloadMessage = { message: 'faultAtMs must be below durationMs: the fault starts while the workload runs', path: ['faultAtMs'] }
