/**
 * summary.json: the machine-readable result of a run (DESIGN §7).
 * `run` describes the run; `tests` has one entry per test × project with the
 * figures the test attached as metrics.json (version 2: a "never" figure is
 * the string "never" in JSON and Infinity once parsed; write with `toJson`).
 *
 * @module reporter/summary
 */
import { z } from 'zod'
import { figureSpecSchema } from '../metrics/registry.ts'
import { notMeasurableSchema, testMetricsSchema, type Verdict } from '../metrics/test-metrics.ts'

/** Verdicts from the most to the least severe: the suite could not judge, the stack failed, …, it passed. */
export const verdictsBySeverity = ['error', 'fail', 'invalid', 'not-measurable', 'pass'] as const satisfies readonly Verdict[]

/** Orders verdicts by severity, a suite error first. */
export const bySeverity = (a: Verdict, b: Verdict): number => verdictsBySeverity.indexOf(a) - verdictsBySeverity.indexOf(b)

/** Why a figure is not measurable: the capability the stack lacks, and one sentence. */
export type NotMeasurable = z.infer<typeof notMeasurableSchema>

/** One test × project: the fields of its metrics.json, and where and how it ran. */
export const summaryTestSchema = testMetricsSchema.pick({
  verdict: true, verdictReasons: true, figures: true, notMeasurable: true, histograms: true, thresholds: true, timeline: true, series: true, fits: true
}).extend({
  title: z.string(),
  tags: z.array(z.string()),
  project: z.string(),
  status: z.string(),
  durationMs: z.number(),
  /** Playwright's test id, for `playwright-report/index.html#?testId=…`. */
  testId: z.string().optional(),
  /** The trace attachment, relative to the run folder (where index.html is). */
  tracePath: z.string().optional()
})
export type SummaryTest = z.infer<typeof summaryTestSchema>

/**
 * The registered kinds a baseline compares. Latency-like kinds (latency,
 * duration) are judged with warnPct/failPct, throughput-like kinds
 * (throughput, rate) with throughputWarnPct/throughputFailPct.
 */
export const comparedKindSchema = figureSpecSchema.shape.kind.extract(['latency', 'duration', 'throughput', 'rate'])
export type ComparedKind = z.infer<typeof comparedKindSchema>

/** One headline figure of this run against reports/baseline.json (reporter/baseline.ts). */
export const regressionSchema = z.object({
  title: z.string(),
  project: z.string(),
  /** A headline key: the figure, with `.p50/.p95/.p99` for a distribution. */
  figure: z.string(),
  /** The figure's registered kind. */
  kind: comparedKindSchema,
  /** The figure's registered direction: a change the other way is an improvement. */
  better: figureSpecSchema.shape.better.unwrap(),
  baseline: z.number(),
  current: z.number(),
  /** (current − baseline) / baseline × 100. */
  deltaPct: z.number(),
  status: z.enum(['ok', 'warn', 'fail'])
})
export type Regression = z.infer<typeof regressionSchema>

export const regressionsSchema = z.object({
  baselineRunId: z.string(),
  /** Latency-like figures: percent worse that warns / fails. */
  warnPct: z.number(),
  failPct: z.number(),
  /** Throughput-like figures: percent worse that warns / fails. */
  throughputWarnPct: z.number(),
  throughputFailPct: z.number(),
  items: z.array(regressionSchema)
})
export type Regressions = z.infer<typeof regressionsSchema>

export const summarySchema = z.object({
  version: z.literal(2),
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
  /** Most severe verdict first (verdictsBySeverity), in run order within a verdict. */
  tests: z.array(summaryTestSchema),
  /** Comparison with reports/baseline.json, when one exists for this profile. */
  regressions: regressionsSchema.optional()
})
export type Summary = z.infer<typeof summarySchema>
