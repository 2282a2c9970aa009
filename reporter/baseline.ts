/**
 * reports/baseline.json: the headline figures of one chosen run, and the
 * comparison of a later run against them (DESIGN §7). Latency figures regress
 * when they grow (warn +20%, fail +50%), throughput figures (`…PerSec`,
 * `…Rate`) when they shrink (warn −20%, fail −40%). The percentages come from
 * STRESS_REGRESSION_WARN_PCT / STRESS_REGRESSION_FAIL_PCT and
 * STRESS_REGRESSION_THROUGHPUT_WARN_PCT / STRESS_REGRESSION_THROUGHPUT_FAIL_PCT.
 *
 * @module reporter/baseline
 */
import fs from 'node:fs'
import { z } from 'zod'
import type { Regression, Regressions, Summary, SummaryTest } from './summary.ts'
import { verdictSchema } from '../metrics/test-metrics.ts'

/** The headline figures of one test × project: `propagationMs.p95`, `convergenceMs`, `opSuccessRate`… */
export const headlineTestSchema = z.object({
  title: z.string(),
  project: z.string(),
  /** So a comparison can mark figures of an invalid or failed test (absent in older files). */
  verdict: verdictSchema.optional(),
  figures: z.record(z.string(), z.number())
})
export type HeadlineTest = z.infer<typeof headlineTestSchema>

export const baselineSchema = z.object({
  version: z.literal(1),
  runId: z.string(),
  createdAt: z.string(),
  gitRevision: z.string().nullable(),
  profile: z.string(),
  tests: z.array(headlineTestSchema)
})
export type Baseline = z.infer<typeof baselineSchema>

/** Counts shown in history trends but never compared (their thresholds already gate them). */
const countFigures = ['lostOps', 'phantomOps', 'divergentReplicas']

/**
 * @param {string} figure a figure name, or a headline key such as `ackMs.p95`
 * @return {'latency' | 'throughput' | null} how a change of it is judged, null when it is not compared
 */
export const figureKind = (figure: string): 'latency' | 'throughput' | null => {
  const name = figure.replace(/\.(p50|p95|p99)$/, '')
  if (name.endsWith('Ms')) return 'latency'
  if (name.endsWith('PerSec') || name.endsWith('Rate')) return 'throughput'
  return null
}

/**
 * p50/p95/p99 of every latency distribution, every numeric latency and
 * throughput figure, and the lost/phantom/divergent counts of one test.
 * @param {SummaryTest} test
 * @return {Record<string, number>}
 */
export const headlineFigures = (test: SummaryTest): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const [name, figure] of Object.entries(test.figures)) {
    if (figure === null) continue
    if (typeof figure === 'number') {
      if (figureKind(name) !== null || countFigures.includes(name)) out[name] = figure
    } else if (figureKind(name) === 'latency' && figure.count > 0) {
      out[`${name}.p50`] = figure.p50
      out[`${name}.p95`] = figure.p95
      out[`${name}.p99`] = figure.p99
    }
  }
  return out
}

/** Headline figures of every test that produced any. */
export const headlineTests = (summary: Summary): HeadlineTest[] =>
  summary.tests
    .map(t => ({ title: t.title, project: t.project, verdict: t.verdict, figures: headlineFigures(t) }))
    .filter(t => Object.keys(t.figures).length > 0)

/** @return {Baseline} the baseline that `summary` would make */
export const createBaseline = (summary: Summary, createdAt = new Date()): Baseline => ({
  version: 1,
  runId: summary.run.id,
  createdAt: createdAt.toISOString(),
  gitRevision: summary.run.gitRevision,
  profile: summary.run.profile,
  tests: headlineTests(summary)
})

export interface RegressionThresholds {
  /** Latency growth in percent that warns / fails. */
  warnPct: number
  failPct: number
  /** Throughput drop in percent that warns / fails. */
  throughputWarnPct: number
  throughputFailPct: number
}

export const defaultRegressionThresholds: RegressionThresholds = { warnPct: 20, failPct: 50, throughputWarnPct: 20, throughputFailPct: 40 }

const pctVar = (name: string) => z.string().optional().refine(
  v => v === undefined || v.trim() === '' || (/^\d+(\.\d+)?$/.test(v.trim()) && Number(v) > 0),
  { error: `${name} must be a positive percentage such as 20; unset it to use the default.` }
).transform(v => v === undefined || v.trim() === '' ? undefined : Number(v))

const envSchema = z.object({
  STRESS_REGRESSION_WARN_PCT: pctVar('STRESS_REGRESSION_WARN_PCT'),
  STRESS_REGRESSION_FAIL_PCT: pctVar('STRESS_REGRESSION_FAIL_PCT'),
  STRESS_REGRESSION_THROUGHPUT_WARN_PCT: pctVar('STRESS_REGRESSION_THROUGHPUT_WARN_PCT'),
  STRESS_REGRESSION_THROUGHPUT_FAIL_PCT: pctVar('STRESS_REGRESSION_THROUGHPUT_FAIL_PCT')
})

/**
 * @param {Record<string, string | undefined>} env usually process.env
 * @return {RegressionThresholds}
 * @throws {Error} with one sentence when a variable is not a positive number or warn ≥ fail
 */
export const regressionThresholds = (env: Record<string, string | undefined>): RegressionThresholds => {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'Invalid STRESS_REGRESSION_* variable.')
  const d = defaultRegressionThresholds
  const t: RegressionThresholds = {
    warnPct: parsed.data.STRESS_REGRESSION_WARN_PCT ?? d.warnPct,
    failPct: parsed.data.STRESS_REGRESSION_FAIL_PCT ?? d.failPct,
    throughputWarnPct: parsed.data.STRESS_REGRESSION_THROUGHPUT_WARN_PCT ?? d.throughputWarnPct,
    throughputFailPct: parsed.data.STRESS_REGRESSION_THROUGHPUT_FAIL_PCT ?? d.throughputFailPct
  }
  if (t.warnPct >= t.failPct) throw new Error(`STRESS_REGRESSION_WARN_PCT (${t.warnPct}) must be below STRESS_REGRESSION_FAIL_PCT (${t.failPct}); raise the fail percentage or lower the warn one.`)
  if (t.throughputWarnPct >= t.throughputFailPct) throw new Error(`STRESS_REGRESSION_THROUGHPUT_WARN_PCT (${t.throughputWarnPct}) must be below STRESS_REGRESSION_THROUGHPUT_FAIL_PCT (${t.throughputFailPct}); raise the fail percentage or lower the warn one.`)
  if (t.throughputFailPct >= 100) throw new Error(`STRESS_REGRESSION_THROUGHPUT_FAIL_PCT (${t.throughputFailPct}) must be below 100, since throughput cannot drop by more than all of it.`)
  return t
}

/**
 * @param {'latency' | 'throughput'} kind
 * @param {number} deltaPct (current − baseline) / baseline × 100
 * @return {'ok' | 'warn' | 'fail'}
 */
export const regressionStatus = (kind: 'latency' | 'throughput', deltaPct: number, t: RegressionThresholds): Regression['status'] => {
  const worse = kind === 'latency' ? deltaPct : -deltaPct
  const [warn, fail] = kind === 'latency' ? [t.warnPct, t.failPct] : [t.throughputWarnPct, t.throughputFailPct]
  return worse >= fail ? 'fail' : worse >= warn ? 'warn' : 'ok'
}

/**
 * Every latency and throughput headline figure that both runs have, per test
 * × project, worst first. A baseline of 0 has no percentage and is skipped.
 * @return {Regressions}
 */
export const compareWithBaseline = (summary: Summary, baseline: Baseline, t: RegressionThresholds): Regressions => {
  const rank = { fail: 0, warn: 1, ok: 2 }
  const items: Regression[] = []
  for (const test of headlineTests(summary)) {
    const base = baseline.tests.find(b => b.title === test.title && b.project === test.project)
    if (base === undefined) continue
    for (const [figure, current] of Object.entries(test.figures)) {
      const kind = figureKind(figure)
      const before = base.figures[figure]
      if (kind === null || before === undefined || before <= 0) continue
      const deltaPct = (current - before) / before * 100
      items.push({ title: test.title, project: test.project, figure, kind, baseline: before, current, deltaPct, status: regressionStatus(kind, deltaPct, t) })
    }
  }
  items.sort((a, b) => rank[a.status] - rank[b.status] || Math.abs(b.deltaPct) - Math.abs(a.deltaPct))
  return { baselineRunId: baseline.runId, ...t, items }
}

/**
 * @param {string} file path of baseline.json
 * @return {Baseline | undefined} undefined when there is none
 * @throws {Error} with one sentence when the file is not a valid baseline
 */
export const readBaseline = (file: string): Baseline | undefined => {
  if (!fs.existsSync(file)) return undefined
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    throw new Error(`${file} is not valid JSON; delete it and run \`npm run report:baseline\` again.`)
  }
  const parsed = baselineSchema.safeParse(raw)
  if (!parsed.success) throw new Error(`${file} is not a syncstorm baseline (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); delete it and run \`npm run report:baseline\` again.`)
  return parsed.data
}

/** Writes `baseline` as pretty JSON. */
export const writeBaseline = (file: string, baseline: Baseline): void => {
  fs.writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`)
}
