/**
 * `metrics.json`: what each stress test attaches, and what the reporter
 * reads (it never measures again). The `tests[]` entries of summary.json
 * carry the same fields; keep the names stable.
 *
 * JSON has no Infinity: a figure that is "never" (never recovered, never
 * detected) is written as the string `"never"` and read back as Infinity.
 * Write with `toJson`, read with these schemas.
 *
 * @module metrics/test-metrics
 */
import { z } from 'zod'
import { capabilitySchema } from './registry.ts'

/**
 * pass; fail (the stack broke a check or a threshold); invalid (the generator
 * was saturated: the figures measure the machine); not-measurable (a threshold's
 * figure needs a capability the stack lacks, and nothing failed); error (the
 * suite itself could not judge: a scenario did not record a figure its
 * thresholds name, or measured nothing). When several apply: invalid, then
 * fail, then error, then not-measurable (fixtures/recorder.ts).
 */
export const verdictSchema = z.enum(['pass', 'fail', 'invalid', 'not-measurable', 'error'])
export type Verdict = z.infer<typeof verdictSchema>

/** The suite could not judge the stack: the verdict becomes `error`, never pass or fail. */
export class SuiteError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'SuiteError'
  }
}

/** A number, or "never" for +Infinity. */
export const measuredNumberSchema = z.union([z.number(), z.literal('never').transform(() => Number.POSITIVE_INFINITY)])

/** JSON.stringify with +Infinity written as "never" (and read back by measuredNumberSchema). */
export const toJson = (value: unknown, space?: number): string =>
  JSON.stringify(value, (_key, v: unknown) => v === Number.POSITIVE_INFINITY ? 'never' : v, space)

export const distributionSchema = z.object({
  count: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), max: z.number()
})

/** A single value, a distribution's summary, or null when not measurable. */
export const figureSchema = z.union([measuredNumberSchema, distributionSchema, z.null()])

export const thresholdResultSchema = z.object({
  /** The threshold's key: the figure, with its tag filter if any. */
  figure: z.string(),
  limit: z.string(),
  value: measuredNumberSchema.nullable(),
  ok: z.boolean(),
  /** Set when the figure needs a capability the stack lacks: neither passed nor failed. */
  notMeasurable: z.string().optional(),
  /** Set when the suite could not judge it (the scenario did not record the figure). */
  error: z.string().optional()
})
export type ThresholdResult = z.infer<typeof thresholdResultSchema>

/** Why a figure is not measurable: the missing capability, in one sentence. */
export const notMeasurableSchema = z.object({ capability: capabilitySchema, reason: z.string() })

/** Named samples over time: `[tMs, value]` pairs (e.g. `heap.<replicaId>`, `server.rssBytes`). */
export const seriesSchema = z.record(z.string(), z.array(z.tuple([z.number(), z.number()])))

/**
 * Fitted slope of a series per minute, with its confidence interval. Heap
 * series (metrics/leak.ts) add the Theil–Sen slope per op, its interval and
 * the leak decision.
 */
export const fitSchema = z.object({
  slopePerMin: z.number(), ciLow: z.number(), ciHigh: z.number(),
  method: z.enum(['least-squares', 'theil-sen']).optional(),
  slopePerOp: z.number().optional(), ciLowPerOp: z.number().optional(), ciHighPerOp: z.number().optional(),
  leak: z.boolean().optional()
})
export type Fit = z.infer<typeof fitSchema>
export const fitsSchema = z.record(z.string(), fitSchema)

export const timelineSchema = z.array(z.object({ t: z.number(), event: z.string() }))

export const testMetricsSchema = z.object({
  version: z.literal(2),
  scenario: z.string(),
  target: z.string(),
  client: z.string(),
  profile: z.string(),
  seed: z.number(),
  verdict: verdictSchema,
  verdictReasons: z.array(z.string()),
  /** Registered figure -> value (metrics/registry.ts). */
  figures: z.record(z.string(), figureSchema),
  /** Figure -> the capability it needed and why the stack lacks it. */
  notMeasurable: z.record(z.string(), notMeasurableSchema),
  /** Figure -> HDR histogram (compressed base64, µs) for exact merging. */
  histograms: z.record(z.string(), z.string()),
  thresholds: z.array(thresholdResultSchema),
  /** Phases and faults with their times, for the report and the trace. */
  timeline: timelineSchema,
  /** Optional samples over time (heap per replica, server metrics). */
  series: seriesSchema.optional(),
  /** Optional fitted slopes of `series`, by series name. */
  fits: fitsSchema.optional()
})
export type TestMetrics = z.infer<typeof testMetricsSchema>
