/**
 * The dashboard's first screen: the run's stack, environment and seed in
 * one line; every breached threshold (figure, limit, value, scenario,
 * browser; a suite error on a threshold too) and every other reason a test did not pass; then one row per
 * scenario with its verdict per browser and its three headline figures,
 * each linking to the scenario's view. No charts: they are in the scenario views.
 *
 * @module reporter/dashboard/summary-view
 */
import { verdictsBySeverity, type SummaryTest } from '../summary.ts'
import { esc, fmtFigure, fmtNum, labelSpec, table } from './html.ts'
import { headlineFigures, headlineValue, type Scenario } from './scenarios.ts'
import { badge, environmentLine, projectsOf, regressionStatus, section, thresholdOutcome, type SectionContext } from './sections.ts'

const scenarioLink = (s: Scenario, text = s.slug): string =>
  `<a href="#/scenario/${esc(s.slug)}" title="${esc(s.title)}">${esc(text)}</a>`

/** The projects that ran at least one test: a browser that was not installed has no column. */
const ranProjects = (ctx: SectionContext): string[] =>
  projectsOf(ctx.summary).filter(p => ctx.summary.tests.some(t => t.project === p && t.status !== 'skipped'))

/** A breached threshold's own reason, which the breach table shows already. */
const isBreachReason = (reason: string): boolean => /^fail: threshold .* breached: /.test(reason)

/**
 * Every threshold not met, then the other reasons of tests that did not pass,
 * the same reason of one browser in several scenarios on one row.
 */
const problemsSection = (ctx: SectionContext, scenarios: Scenario[]): string => {
  // A threshold whose figure the stack cannot give is not breached: its reason is listed with the others below.
  const breaches = scenarios.flatMap(s => s.tests.flatMap(t => t.thresholds.filter(th => !th.ok && th.notMeasurable === undefined).map(th => [
    `<code>${esc(th.figure)}</code>`, esc(th.limit), thresholdOutcome(t, th), scenarioLink(s), esc(t.project)
  ])))
  const checked = ctx.summary.tests.reduce((n, t) => n + t.thresholds.length, 0)
  const others = new Map<string, { test: SummaryTest, scenarios: Scenario[] }>()
  for (const s of scenarios) {
    for (const t of s.tests.filter(x => x.verdict !== 'pass')) {
      for (const reason of t.verdictReasons.filter(r => !isBreachReason(r))) {
        const key = `${t.project}\u0000${t.verdict}\u0000${reason}`
        const entry = others.get(key) ?? { test: t, scenarios: [] }
        entry.scenarios.push(s)
        others.set(key, entry)
      }
    }
  }
  const otherRows = [...others].map(([key, { test, scenarios: where }]) => [
    badge(test.verdict), esc(key.split('\u0000')[2]),
    where.length === scenarios.length && scenarios.length > 1 ? 'every scenario' : where.map(s => scenarioLink(s)).join(' '), esc(test.project)
  ])
  const head = breaches.length === 0
    ? `<p class="ok">No threshold breached: ${fmtNum(checked)} threshold(s) held in ${fmtNum(ctx.summary.tests.length)} test(s).</p>`
    : table(['figure', 'limit', 'value', 'scenario', 'browser'], breaches, 'num breaches')
  const rest = otherRows.length === 0 ? '' : table(['verdict', 'why (other than a threshold)', 'scenario', 'browser'], otherRows, 'reasons')
  return section('breaches', `Breached thresholds (${breaches.length})`, head + rest)
}

/** A headline cell: the figure, then its value per browser in column order. */
const headlineCell = (scenario: Scenario, figure: string | undefined, projects: string[]): string => {
  if (figure === undefined) return ''
  const spec = labelSpec(figure)
  const values = projects.map(p => {
    const test = scenario.tests.find(t => t.project === p && t.status !== 'skipped')
    const v = test === undefined ? undefined : headlineValue(test, figure)
    return v === undefined ? '—' : esc(fmtFigure(figure, v))
  })
  return `<span class="k">${esc(figure)}${spec?.shape === 'histogram' ? ' p95' : ''}</span> ${values.join(' · ')}`
}

/** One row per scenario: its verdict per browser and three headline figures. */
const gridSection = (ctx: SectionContext, scenarios: Scenario[]): string => {
  if (scenarios.length === 0) return section('verdicts', 'Scenarios', '<p>No tests ran.</p>')
  const projects = ranProjects(ctx)
  const rows = scenarios.map(s => {
    const headlines = headlineFigures(s)
    return [
      // The title is the link's tooltip and the scenario view's heading: the slug keeps the row on one line.
      scenarioLink(s),
      ...projects.map(p => {
        const t = s.tests.find(x => x.project === p)
        return t === undefined ? '' : `<a href="#/scenario/${esc(s.slug)}">${badge(t.verdict)}</a>`
      }),
      ...[0, 1, 2].map(i => headlineCell(s, headlines[i], projects))
    ]
  })
  const legend = projects.length > 1 ? ` (${projects.join(' · ')})` : ''
  return section('verdicts', 'Scenarios', table(['scenario', ...projects, `headline figures${legend}`, '', ''], rows, 'matrix'))
}

/**
 * @param {SectionContext} ctx the run
 * @param {Scenario[]} scenarios its scenarios, most severe first
 * @return {string} the summary view's body
 */
export const summaryView = (ctx: SectionContext, scenarios: Scenario[]): string => {
  const { run, tests } = ctx.summary
  const counts = verdictsBySeverity.map(v => ({ v, n: tests.filter(t => t.verdict === v).length })).filter(c => c.n > 0)
  const header = `<header><h1>syncstorm · ${esc(run.client)} @ ${esc(run.target)} · ${esc(run.profile)}</h1>` +
    `<p class="counts">${counts.map(c => `${badge(c.v)} × ${c.n}`).join(' ')} <span class="tags">run ${esc(run.id)} · ${fmtNum(Math.round(run.durationMs / 1000))} s · baseline: ${esc(regressionStatus(ctx))}</span></p>` +
    `${environmentLine(ctx.summary)}</header>`
  return header + problemsSection(ctx, scenarios) + gridSection(ctx, scenarios)
}
