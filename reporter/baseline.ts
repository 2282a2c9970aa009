/**
 * reports/baseline.json: the headline figures of one chosen run, and the
 * comparison of a later run against them (DESIGN §7). The figure registry
 * (metrics/registry.ts) says which figures are headline and which way each is
 * better: a figure regresses when it got worse in its declared direction.
 * Latency-like figures (kinds latency, duration) warn at 20% worse and fail
 * at 50%, throughput-like ones (kinds throughput, rate) warn at 20% and fail
 * at 40%. The percentages come from STRESS_REGRESSION_WARN_PCT /
 * STRESS_REGRESSION_FAIL_PCT and STRESS_REGRESSION_THROUGHPUT_WARN_PCT /
 * STRESS_REGRESSION_THROUGHPUT_FAIL_PCT.
 *
 * baseline.json and history lines hold finite numbers only (a "never" figure
 * is left out), so they stay at version 1 while summary.json is at 2.
 *
 * @module reporter/baseline
 */
import fs from 'node:fs'
import { z } from 'zod'
import { comparedKindSchema, type ComparedKind, type Regression, type Regressions, type Summary, type SummaryTest } from './summary.ts'
import { verdictSchema } from '../metrics/test-metrics.ts'
import { figureSpec, type FigureSpec } from '../metrics/registry.ts'

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
const historyOnlyCounts = ['lostOps', 'phantomOps', 'divergentReplicas']

/** How a change of a figure is judged: its registered kind and better direction. */
export type RegressionRule = Pick<Regression, 'kind' | 'better'>

/**
 * @param {FigureSpec} spec a registered figure
 * @return {RegressionRule | undefined} how it is compared with the baseline; undefined for what is not compared (counts, sizes, the run, the generator)
 */
export const regressionRule = (spec: FigureSpec): RegressionRule | undefined => {
  const kind = comparedKindSchema.safeParse(spec.kind)
  return spec.role === 'stack' && kind.success && spec.better !== undefined ? { kind: kind.data, better: spec.better } : undefined
}

/** One headline figure: its key (`.p50/.p95/.p99` appended for a distribution), value, and rule when compared. */
interface Headline { key: string, value: number, rule?: RegressionRule }

/**
 * Registered figures the baseline compares, and the history-only counts.
 * Skipped: unregistered names (older runs), null (not measurable), Infinity
 * ("never": a stuck run has no percentage to compare) and empty distributions.
 */
const headlinesOf = (test: SummaryTest): Headline[] =>
  Object.entries(test.figures).flatMap(([name, figure]) => {
    const spec = figureSpec(name)
    if (spec === undefined || figure === null) return []
    const rule = regressionRule(spec)
    if (rule === undefined && !historyOnlyCounts.includes(name)) return []
    if (typeof figure === 'number') return Number.isFinite(figure) ? [{ key: name, value: figure, rule }] : []
    return figure.count === 0 ? [] : (['p50', 'p95', 'p99'] as const).map(p => ({ key: `${name}.${p}`, value: figure[p], rule }))
  })

/**
 * p50/p95/p99 of every compared distribution, every compared single value,
 * and the lost/phantom/divergent counts of one test.
 * @param {SummaryTest} test
 * @return {Record<string, number>} finite values only
 */
export const headlineFigures = (test: SummaryTest): Record<string, number> =>
  Object.fromEntries(headlinesOf(test).map(h => [h.key, h.value]))

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
  /** Latency-like figures (kinds latency, duration): percent worse that warns / fails. */
  warnPct: number
  failPct: number
  /** Throughput-like figures (kinds throughput, rate): percent worse that warns / fails. */
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
  if (t.throughputFailPct >= 100) throw new Error(`STRESS_REGRESSION_THROUGHPUT_FAIL_PCT (${t.throughputFailPct}) must be below 100, since a throughput cannot drop by more than all of it.`)
  return t
}

const latencyLikeKinds: ReadonlySet<ComparedKind> = new Set(['latency', 'duration'])

/**
 * @param {RegressionRule} rule the figure's kind and better direction
 * @param {number} deltaPct (current − baseline) / baseline × 100
 * @param {RegressionThresholds} t
 * @return {'ok' | 'warn' | 'fail'} a change in the better direction is always ok
 */
export const regressionStatus = ({ kind, better }: RegressionRule, deltaPct: number, t: RegressionThresholds): Regression['status'] => {
  const worsePct = better === 'lower' ? deltaPct : -deltaPct
  const [warn, fail] = latencyLikeKinds.has(kind) ? [t.warnPct, t.failPct] : [t.throughputWarnPct, t.throughputFailPct]
  return worsePct >= fail ? 'fail' : worsePct >= warn ? 'warn' : 'ok'
}

/**
 * Every compared headline figure that both runs have, per test × project,
 * worst first. A baseline of 0 has no percentage and is skipped.
 * @return {Regressions}
 */
export const compareWithBaseline = (summary: Summary, baseline: Baseline, t: RegressionThresholds): Regressions => {
  const rank = { fail: 0, warn: 1, ok: 2 }
  const items: Regression[] = []
  for (const test of summary.tests) {
    const base = baseline.tests.find(b => b.title === test.title && b.project === test.project)
    if (base === undefined) continue
    for (const { key, value: current, rule } of headlinesOf(test)) {
      const before = base.figures[key]
      if (rule === undefined || before === undefined || before <= 0) continue
      const deltaPct = (current - before) / before * 100
      items.push({ title: test.title, project: test.project, figure: key, ...rule, baseline: before, current, deltaPct, status: regressionStatus(rule, deltaPct, t) })
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
