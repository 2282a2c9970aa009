/**
 * The dashboard's unit of reading: a scenario (one test title) and its tests,
 * one per browser. Each scenario gets a stable route slug (its tag: `ramp`,
 * `rejoin-2` when titles share a tag) and three headline figures, chosen from
 * what the scenario is judged on. Figures are never merged across scenarios.
 *
 * @module reporter/dashboard/scenarios
 */
import { bySeverity, type SummaryTest } from '../summary.ts'
import type { FigureSpec } from '../../metrics/registry.ts'
import { labelSpec, withoutTagFilter } from './html.ts'

export interface Scenario {
  /** The route is `#/scenario/<slug>`. */
  slug: string
  title: string
  tags: string[]
  /** One per project (more after retries or shards), in run order. */
  tests: SummaryTest[]
  /** The most severe verdict of the tests that ran; a scenario no browser ran is not measurable. */
  verdict: SummaryTest['verdict']
}

const slugOf = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'scenario'

const ran = (t: SummaryTest): boolean => t.status !== 'skipped'

/**
 * @param {SummaryTest[]} tests every test of the run
 * @return {Scenario[]} most severe first, then by slug
 */
export const scenariosOf = (tests: SummaryTest[]): Scenario[] => {
  const byTitle = new Map<string, SummaryTest[]>()
  for (const t of tests) byTitle.set(t.title, [...(byTitle.get(t.title) ?? []), t])
  const bases = [...byTitle].map(([title, ts]) => ({ title, tests: ts, base: slugOf(ts[0]!.tags.map(tag => tag.replace(/^@/, '')).join('-') || title) }))
  const shared = new Map<string, string[]>()
  for (const b of bases) shared.set(b.base, [...(shared.get(b.base) ?? []), b.title].sort())
  const scenarios = bases.map(({ title, tests: ts, base }): Scenario => {
    const titles = shared.get(base)!
    const running = ts.filter(ran)
    const verdict = running.length === 0 ? 'not-measurable' : running.map(t => t.verdict).sort(bySeverity)[0]!
    return { slug: titles.length === 1 ? base : `${base}-${titles.indexOf(title) + 1}`, title, tags: ts[0]!.tags, tests: ts, verdict }
  })
  return scenarios.sort((a, b) => bySeverity(a.verdict, b.verdict) || a.slug.localeCompare(b.slug))
}

/** Figures every scenario records whatever it tests: the headline falls back on them. */
const fallbacks = ['propagationMs', 'convergenceMs', 'ackMs']

/** Time-like figures say most about a stack; counts (mostly 0) least. */
const kindRank = (kind: FigureSpec['kind']): number => kind === 'latency' || kind === 'duration' ? 0 : kind === 'count' ? 2 : 1

/**
 * A headline figure's value in one test: p95 of a distribution, or the value.
 * @return {number | undefined} undefined when the test has no number for it (or a distribution no sample)
 */
export const headlineValue = (test: SummaryTest, figure: string): number | undefined => {
  const f = test.figures[figure]
  // A distribution without samples (cold sync observes no propagation) has no p95, not a p95 of 0.
  return f === undefined || f === null ? undefined : typeof f === 'number' ? f : f.count === 0 ? undefined : f.p95
}

/**
 * The three figures a scenario is read by: those its thresholds name (what
 * it is judged on), then propagation, convergence and ack latency; time-like
 * figures before rates before counts, each only where some test has a value.
 * @return {string[]} at most 3 registered stack figures
 */
export const headlineFigures = (scenario: Scenario): string[] => {
  const named = scenario.tests.flatMap(t => t.thresholds.map(th => withoutTagFilter(th.figure)))
  const candidates = [...new Set([...named, ...fallbacks])].flatMap(figure => {
    const spec = labelSpec(figure)
    if (spec === undefined || spec.role !== 'stack') return []
    if (!scenario.tests.some(t => headlineValue(t, figure) !== undefined)) return []
    return [{ figure, rank: kindRank(spec.kind) }]
  })
  // A stable sort keeps the thresholds' order within a rank.
  return candidates.sort((a, b) => a.rank - b.rank).slice(0, 3).map(c => c.figure)
}
