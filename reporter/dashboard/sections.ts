/**
 * What the dashboard's views share: the context every part reads, the chart
 * registry, badges, links and figure cells; and the views that are not about
 * one scenario (baseline, history, environment). Each part is a pure function
 * of the summary that returns escaped HTML and registers its charts; a part
 * whose data is absent returns ''.
 *
 * @module reporter/dashboard/sections
 */
import type { Regressions, Summary, SummaryTest } from '../summary.ts'
import type { HistoryLine } from '../history.ts'
import type { ThresholdResult } from '../../metrics/test-metrics.ts'
import type { FigureSpec } from '../../metrics/registry.ts'
import { trendChart, type ChartSpec } from './charts.ts'
import { esc, fmtBytes, fmtFigure, fmtNum, labelSpec, notMeasurableText, table, withoutTagFilter } from './html.ts'

/** What every part reads, and where it puts its charts. */
export interface SectionContext {
  summary: Summary
  regressions?: Regressions
  history: HistoryLine[]
  /** Playwright's HTML report folder, relative to the dashboard. */
  playwrightReportDir?: string
  charts: ChartSpec[]
}

type Verdict = SummaryTest['verdict']

export const badge = (verdict: Verdict): string => `<span class="badge v-${verdict}">${esc(verdict)}</span>`

/**
 * Registers a chart and returns its placeholder; no spec (no data) is no chart.
 * @param {string} note plain text under the caption (what is shaded, what is left out)
 */
export const chart = (ctx: SectionContext, spec: Omit<ChartSpec, 'id'> | undefined, note = ''): string => {
  if (spec === undefined) return ''
  const id = `chart-${ctx.charts.length + 1}`
  ctx.charts.push({ ...spec, id })
  return `<figure><figcaption>${esc(spec.title)}${note === '' ? '' : ` <span class="tags">${esc(note)}</span>`}</figcaption><div class="chart" id="${id}"></div></figure>`
}

export const section = (id: string, title: string, body: string): string =>
  `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`

/**
 * A view of the single-page dashboard: `#<route>` shows it (client.js), the
 * summary when no route matches. Its charts are drawn when it is first shown.
 */
export const view = (id: string, route: string, body: string): string =>
  `<div class="view" id="${esc(id)}" data-route="${esc(route)}"${route === '/' ? '' : ' hidden'}>${body}</div>`

/** Projects in the order the run lists them, then any others the tests have; only those with a test. */
export const projectsOf = (summary: Summary): string[] =>
  [...new Set([...summary.run.browsers.map(b => b.project), ...summary.tests.map(t => t.project)])]
    .filter(p => summary.tests.some(t => t.project === p))

const encodePath = (p: string): string => p.split('/').map(encodeURIComponent).join('/')

export const testLinks = (ctx: SectionContext, test: SummaryTest): string => {
  const links: string[] = []
  if (ctx.playwrightReportDir !== undefined) {
    const hash = test.testId === undefined ? '' : `#?testId=${encodeURIComponent(test.testId)}`
    links.push(`<a href="${esc(`${encodePath(ctx.playwrightReportDir)}/index.html${hash}`)}">report</a>`)
  }
  if (test.tracePath !== undefined) links.push(`<a href="${esc(encodePath(test.tracePath))}">trace</a>`)
  return links.join(' · ')
}

/**
 * A threshold's outcome as HTML: the suite's error, why it is not measurable (with the capability the
 * test recorded for that figure), or the measured value. A `count` aggregation counts samples, whatever the figure's unit.
 */
export const thresholdOutcome = (test: SummaryTest, th: ThresholdResult): string =>
  th.error !== undefined ? `<b class="bad">suite error</b>: ${esc(th.error)}`
    : th.notMeasurable !== undefined ? esc(notMeasurableText({ capability: test.notMeasurable[withoutTagFilter(th.figure)]?.capability, reason: th.notMeasurable }))
      : th.value === null ? 'not measured'
        : `measured <b>${esc(/^count\b/.test(th.limit) ? fmtNum(th.value) : fmtFigure(th.figure, th.value))}</b>`

/** A figure of one test as HTML: its value or distribution in its unit, or why it is not measurable. */
export const figureCell = (test: SummaryTest, name: string): string => {
  const notMeasurable = test.notMeasurable[name]
  if (notMeasurable !== undefined) return esc(notMeasurableText(notMeasurable))
  const figure = test.figures[name]
  return figure === undefined ? '' : figure === null ? 'not measured' : typeof figure === 'number' ? esc(fmtFigure(name, figure))
    : `p50 ${esc(fmtFigure(name, figure.p50))} · p95 ${esc(fmtFigure(name, figure.p95))} · p99 ${esc(fmtFigure(name, figure.p99))} · max ${esc(fmtFigure(name, figure.max))} (n=${fmtNum(figure.count)})`
}

/** Heap fits of one test: slope, interval, per op, leak; '' without fits. */
export const fitsTable = (test: SummaryTest, names: string[]): string => {
  const rows = names.flatMap(n => {
    const fit = test.fits?.[n]
    if (fit === undefined) return []
    const perOp = fit.slopePerOp === undefined ? '—' : `${esc(fmtBytes(fit.slopePerOp))}/op (${esc(fmtBytes(fit.ciLowPerOp))} … ${esc(fmtBytes(fit.ciHighPerOp))})`
    return [[esc(n), `${esc(fmtBytes(fit.slopePerMin))}/min`, `${esc(fmtBytes(fit.ciLow))} … ${esc(fmtBytes(fit.ciHigh))} /min`, perOp, fit.leak === undefined ? '—' : fit.leak ? '<b>leak</b>' : 'no']]
  })
  return rows.length > 0 ? table(['series', 'slope', 'CI', 'per op (CI)', 'leak'], rows, 'num') : ''
}

const pct = (n: number): string => `${n >= 0 ? '+' : '−'}${fmtNum(Math.abs(n))}%`

/** One line for the summary: how this run compares with the baseline. */
export const regressionStatus = (ctx: SectionContext): string => {
  const r = ctx.regressions
  if (r === undefined) return 'no baseline'
  const fail = r.items.filter(i => i.status === 'fail').length
  const warn = r.items.filter(i => i.status === 'warn').length
  return `${fail} fail, ${warn} warn, ${r.items.length - fail - warn} ok`
}

/** Headline figures against reports/baseline.json, warnings and failures first. */
export const regressionSection = (ctx: SectionContext): string => {
  const r = ctx.regressions
  if (r === undefined) return section('baseline', 'Against the baseline', '<p>No baseline for this profile: run <code>npm run report:baseline</code> after a run you trust.</p>')
  const row = (i: Regressions['items'][number]): string[] => [
    `<span class="badge r-${i.status}">${i.status}</span>`, esc(i.title), esc(i.project), `<code>${esc(i.figure)}</code>`,
    `${esc(i.better)} (${esc(i.kind)})`, esc(fmtFigure(i.figure, i.baseline)), esc(fmtFigure(i.figure, i.current)), pct(i.deltaPct)
  ]
  const head = ['status', 'test', 'browser', 'figure', 'better', 'baseline', 'now', 'delta']
  const bad = r.items.filter(i => i.status !== 'ok')
  const ok = r.items.filter(i => i.status === 'ok')
  const counts = `<p>baseline run <code>${esc(r.baselineRunId)}</code>: ${r.items.filter(i => i.status === 'fail').length} fail, ${r.items.filter(i => i.status === 'warn').length} warn, ${ok.length} ok. A figure is worse when it moved against its registered direction (up when lower is better, down when higher is better). Latency and duration figures warn at ${fmtNum(r.warnPct)}% worse and fail at ${fmtNum(r.failPct)}%; throughput and rate figures warn at ${fmtNum(r.throughputWarnPct)}% worse and fail at ${fmtNum(r.throughputFailPct)}%.</p>`
  return section('baseline', 'Against the baseline',
    counts + (bad.length > 0 ? table(head, bad.map(row), 'num') : '') +
    (ok.length > 0 ? `<details><summary>${ok.length} figure(s) within bounds</summary>${table(head, ok.map(row), 'num')}</details>` : ''))
}

/** Registered kinds whose every headline figure gets a trend chart, beside the preferred latencies. */
const trendedKinds: ReadonlySet<FigureSpec['kind']> = new Set(['throughput', 'rate'])

const isTrended = (key: string): boolean => {
  const kind = labelSpec(key)?.kind
  return kind !== undefined && trendedKinds.has(kind)
}

/** Trends of the headline figures across the last runs of history.jsonl, one line per scenario × browser. */
export const historySection = (ctx: SectionContext): string => {
  if (ctx.history.length < 2) return section('history', 'History', `<p>${ctx.history.length} run(s) in reports/history.jsonl; trends appear from the second run.</p>`)
  const keys = [...new Set(ctx.history.flatMap(h => h.tests.flatMap(t => Object.keys(t.figures))))]
  const preferred = ['propagationMs.p95', 'ackMs.p95', 'convergenceMs', 'convergenceMs.p95']
  const chosen = [...preferred.filter(k => keys.includes(k)), ...keys.filter(k => !preferred.includes(k) && isTrended(k)).sort()]
  const charts = chosen.map(k => chart(ctx, trendChart(k, ctx.history)))
  return section('history', 'History', `<div class="grid">${charts.join('')}</div>`)
}

/** The run's environment in one line: the stack, profile, seed, browsers and the machine. */
export const environmentLine = (summary: Summary): string => {
  const { run } = summary
  const ranIn = new Set(summary.tests.filter(t => t.status !== 'skipped').map(t => t.project))
  const browsers = run.browsers.map(b => `${b.project} ${ranIn.has(b.project) ? (b.version ?? 'version unknown').replace(new RegExp(`^${b.project} `), '') : `(${b.source === 'missing' ? 'not installed' : 'did not run'})`}`)
  const facts: Array<[string, string]> = [
    ['client', run.client], ['target', run.target], ['profile', run.profile], ['seed', String(run.seed)],
    ['browsers', browsers.join(', ')],
    ['machine', `${run.host.hostname}: ${run.host.cpus} × ${run.host.cpuModel}, ${fmtBytes(run.host.memoryBytes)}, ${run.host.platform}, node ${run.host.node}`],
    ['git', run.gitRevision ?? 'unknown']
  ]
  return `<p class="env">${facts.map(([k, v]) => `<span><b>${esc(k)}</b> ${esc(v)}</span>`).join('')}</p>`
}

/** Browsers and versions, host, profile, seed, target, client, git revision, in full. */
export const environmentSection = (ctx: SectionContext): string => {
  const { run } = ctx.summary
  const facts: Array<[string, string]> = [
    ['profile', run.profile], ['seed', String(run.seed)], ['target', run.target], ['client', run.client],
    ['git revision', run.gitRevision ?? 'unknown'], ['started', run.startedAt],
    ['host', `${run.host.hostname} (${run.host.platform})`], ['CPU', `${run.host.cpus} × ${run.host.cpuModel}`],
    ['memory', fmtBytes(run.host.memoryBytes)], ['node', run.host.node]
  ]
  return section('environment', 'Environment',
    table(['', ''], facts.map(([k, v]) => [esc(k), esc(v)]), 'facts') +
    table(['browser', 'version', 'source', 'executable'], run.browsers.map(b => [esc(b.project), esc(b.version ?? 'unknown'), esc(b.source), esc(b.executablePath ?? '—')])))
}
