/**
 * summary.json: the machine-readable result of a run (DESIGN §7).
 * `run` describes the run; `tests` has one entry per test × project with the
 * figures the test attached as metrics.json.
 *
 * @module reporter/summary
 */
import { z } from 'zod'
import { figureSchema, fitsSchema, seriesSchema, thresholdResultSchema, verdictSchema } from '../metrics/test-metrics.ts'

export const summaryTestSchema = z.object({
  title: z.string(),
  tags: z.array(z.string()),
  project: z.string(),
  status: z.string(),
  verdict: verdictSchema,
  verdictReasons: z.array(z.string()),
  durationMs: z.number(),
  figures: z.record(z.string(), figureSchema),
  notMeasurable: z.record(z.string(), z.string()),
  histograms: z.record(z.string(), z.string()),
  thresholds: z.array(thresholdResultSchema),
  timeline: z.array(z.object({ t: z.number(), event: z.string() })),
  /** Playwright's test id, for `playwright-report/index.html#?testId=…`. */
  testId: z.string().optional(),
  /** The trace attachment, relative to the run folder (where index.html is). */
  tracePath: z.string().optional(),
  series: seriesSchema.optional(),
  fits: fitsSchema.optional()
})
export type SummaryTest = z.infer<typeof summaryTestSchema>

/** One headline figure of this run against reports/baseline.json (reporter/baseline.ts). */
export const regressionSchema = z.object({
  title: z.string(),
  project: z.string(),
  figure: z.string(),
  kind: z.enum(['latency', 'throughput']),
  baseline: z.number(),
  current: z.number(),
  /** (current − baseline) / baseline × 100. */
  deltaPct: z.number(),
  status: z.enum(['ok', 'warn', 'fail'])
})
export type Regression = z.infer<typeof regressionSchema>

export const regressionsSchema = z.object({
  baselineRunId: z.string(),
  warnPct: z.number(),
  failPct: z.number(),
  throughputWarnPct: z.number(),
  throughputFailPct: z.number(),
  items: z.array(regressionSchema)
})
export type Regressions = z.infer<typeof regressionsSchema>

export const summarySchema = z.object({
  version: z.literal(1),
  run: z.object({
    id: z.string(),
    profile: z.string(),
    seed: z.number(),
    target: z.string(),
    client: z.string(),
    browsers: z.array(z.object({ project: z.string(), source: z.string(), executablePath: z.string().nullable(), version: z.string().nullable() })),
    host: z.object({ hostname: z.string(), platform: z.string(), cpus: z.number(), cpuModel: z.string(), memoryBytes: z.number(), node: z.string() }),
    gitRevision: z.string().nullable(),
    startedAt: z.string(),
    durationMs: z.number()
  }),
  tests: z.array(summaryTestSchema),
  /** Comparison with reports/baseline.json, when one exists for this profile. */
  regressions: regressionsSchema.optional()
})
export type Summary = z.infer<typeof summarySchema>
