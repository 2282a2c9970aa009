/**
 * `metrics.json`: what each stress test attaches, and what the reporter
 * reads (it never measures again). The `tests[]` entries of summary.json
 * carry the same fields; keep the names stable.
 *
 * @module metrics/test-metrics
 */
import { z } from 'zod'

export const verdictSchema = z.enum(['pass', 'fail', 'invalid', 'not-measurable'])
export type Verdict = z.infer<typeof verdictSchema>

export const distributionSchema = z.object({
  count: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), max: z.number()
})

export const figureSchema = z.union([z.number(), distributionSchema, z.null()])

export const thresholdResultSchema = z.object({
  figure: z.string(), limit: z.string(), value: z.number().nullable(), ok: z.boolean(), notMeasurable: z.string().optional()
})

/** Named samples over time: `[tMs, value]` pairs (e.g. `heap.<replicaId>`, `server.rssBytes`). */
export const seriesSchema = z.record(z.string(), z.array(z.tuple([z.number(), z.number()])))

/**
 * Fitted slope of a series per minute, with its confidence interval. Heap
 * series (metrics/leak.ts) add the Theil–Sen slope per op, its interval and
 * the leak decision.
 */
export const fitsSchema = z.record(z.string(), z.object({
  slopePerMin: z.number(), ciLow: z.number(), ciHigh: z.number(),
  method: z.enum(['least-squares', 'theil-sen']).optional(),
  slopePerOp: z.number().optional(), ciLowPerOp: z.number().optional(), ciHighPerOp: z.number().optional(),
  leak: z.boolean().optional()
}))

export const testMetricsSchema = z.object({
  version: z.literal(1),
  scenario: z.string(),
  target: z.string(),
  client: z.string(),
  profile: z.string(),
  seed: z.number(),
  verdict: verdictSchema,
  verdictReasons: z.array(z.string()),
  figures: z.record(z.string(), figureSchema),
  /** Figure -> why it could not be measured on this target or browser. */
  notMeasurable: z.record(z.string(), z.string()),
  /** Figure -> HDR histogram (compressed base64, µs) for exact merging. */
  histograms: z.record(z.string(), z.string()),
  thresholds: z.array(thresholdResultSchema),
  /** Phases and faults with their times, for the report and the trace. */
  timeline: z.array(z.object({ t: z.number(), event: z.string() })),
  /** Optional samples over time (heap per replica, server metrics). */
  series: seriesSchema.optional(),
  /** Optional fitted slopes of `series`, by series name. */
  fits: fitsSchema.optional()
})
export type TestMetrics = z.infer<typeof testMetricsSchema>
