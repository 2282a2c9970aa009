/**
 * The sections of the dashboard, each a pure function of the summary that
 * returns escaped HTML and registers its charts. A section whose data is
 * absent returns '' (heap, server metrics, OPFS appear only when present).
 *
 * @module reporter/dashboard/sections
 */
import { bySeverity, verdictsBySeverity, type Regressions, type Summary, type SummaryTest } from '../summary.ts'
import type { HistoryLine } from '../history.ts'
import type { ThresholdResult } from '../../metrics/test-metrics.ts'
import type { FigureSpec } from '../../metrics/registry.ts'
import { histogramFigures, mergeByProject, percentileChart, seriesChart, trendChart, type ChartSpec } from './charts.ts'
import { esc, fmtBytes, fmtFigure, fmtNum, labelSpec, notMeasurableText, table, withoutTagFilter } from './html.ts'

/** What every section reads, and where it puts its charts. */
export interface SectionContext {
  summary: Summary
  regressions?: Regressions
  history: HistoryLine[]
  /** Playwright's HTML report folder, relative to the dashboard. */
  playwrightReportDir?: string
  charts: ChartSpec[]
}

type Verdict = SummaryTest['verdict']

const badge = (verdict: Verdict): string => `<span class="badge v-${verdict}">${esc(verdict)}</span>`

/** Registers a chart and returns its placeholder. */
const chart = (ctx: SectionContext, spec: Omit<ChartSpec, 'id'>): string => {
  const id = `chart-${ctx.charts.length + 1}`
  ctx.charts.push({ ...spec, id })
  return `<figure><figcaption>${esc(spec.title)}</figcaption><div class="chart" id="${id}"></div></figure>`
}

const section = (id: string, title: string, body: string): string =>
  `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`

/** Projects in the order the run lists them, then any others the tests have. */
const projectsOf = (summary: Summary): string[] =>
  [...new Set([...summary.run.browsers.map(b => b.project), ...summary.tests.map(t => t.project)])]
    .filter(p => summary.tests.some(t => t.project === p))

const encodePath = (p: string): string => p.split('/').map(encodeURIComponent).join('/')

const testLinks = (ctx: SectionContext, test: SummaryTest): string => {
  const links: string[] = []
  if (ctx.playwrightReportDir !== undefined) {
    const hash = test.testId === undefined ? '' : `#?testId=${encodeURIComponent(test.testId)}`
    links.push(`<a href="${esc(`${encodePath(ctx.playwrightReportDir)}/index.html${hash}`)}">report</a>`)
  }
  if (test.tracePath !== undefined) links.push(`<a href="${esc(encodePath(test.tracePath))}">trace</a>`)
  return links.join(' · ')
}

const sortedTests = (tests: SummaryTest[]): SummaryTest[] =>
  // Suite errors and failures first; tests that did not run at all (a browser not installed) last.
  [...tests].sort((a, b) => Number(a.status === 'skipped') - Number(b.status === 'skipped') || bySeverity(a.verdict, b.verdict) || a.title.localeCompare(b.title) || a.project.localeCompare(b.project))

/**
 * A threshold's outcome as HTML: the suite's error, why it is not measurable (with the capability the
 * test recorded for that figure), or the measured value. A `count` aggregation counts samples, whatever the figure's unit.
 */
const thresholdOutcome = (test: SummaryTest, th: ThresholdResult): string =>
  th.error !== undefined ? `<b class="bad">suite error</b>: ${esc(th.error)}`
    : th.notMeasurable !== undefined ? esc(notMeasurableText({ capability: test.notMeasurable[withoutTagFilter(th.figure)]?.capability, reason: th.notMeasurable }))
      : th.value === null ? 'not measured'
        : `measured <b>${esc(/^count\b/.test(th.limit) ? fmtNum(th.value) : fmtFigure(th.figure, th.value))}</b>`

/** A figure of one test as HTML: its value or distribution in its unit, or why it is not measurable. */
const figureCell = (test: SummaryTest, name: string): string => {
  const notMeasurable = test.notMeasurable[name]
  if (notMeasurable !== undefined) return esc(notMeasurableText(notMeasurable))
  const figure = test.figures[name]
  return figure === undefined ? '' : figure === null ? 'not measured' : typeof figure === 'number' ? esc(fmtFigure(name, figure))
    : `p50 ${esc(fmtFigure(name, figure.p50))} · p95 ${esc(fmtFigure(name, figure.p95))} · p99 ${esc(fmtFigure(name, figure.p99))} · max ${esc(fmtFigure(name, figure.max))} (n=${fmtNum(figure.count)})`
}

/** Run header: id, profile, verdict counts. */
export const headerSection = (ctx: SectionContext): string => {
  const { run, tests } = ctx.summary
  const counts = verdictsBySeverity
    .map(v => ({ v, n: tests.filter(t => t.verdict === v).length })).filter(c => c.n > 0)
  return `<header><h1>syncstorm run ${esc(run.id)}</h1><p>profile <b>${esc(run.profile)}</b> · seed ${esc(run.seed)} · target ${esc(run.target)} · ${esc(run.startedAt)} · ${fmtNum(run.durationMs / 1000)} s</p>` +
    `<p class="counts">${counts.map(c => `${badge(c.v)} × ${c.n}`).join(' ')}</p></header>`
}

/** Verdict matrix (test × browser), then every test, suite errors and failures first, with the thresholds not met and the reasons. */
export const verdictSection = (ctx: SectionContext): string => {
  const { tests } = ctx.summary
  if (tests.length === 0) return section('verdicts', 'Verdicts', '<p>No tests ran.</p>')
  const projects = projectsOf(ctx.summary)
  const titles = [...new Set(sortedTests(tests).map(t => t.title))]
  const matrix = table(['test', ...projects], titles.map(title => [
    esc(title),
    ...projects.map(p => {
      const t = tests.find(x => x.title === title && x.project === p)
      return t === undefined ? '' : badge(t.verdict)
    })
  ]), 'matrix')
  const rows = sortedTests(tests).map(t => {
    const notMet = t.thresholds.filter(th => !th.ok).map(th => `<li><code>${esc(th.figure)}</code> ${esc(th.limit)}: ${thresholdOutcome(t, th)}</li>`)
    return [
      badge(t.verdict),
      `${esc(t.title)}${t.tags.length > 0 ? ` <span class="tags">${esc(t.tags.join(' '))}</span>` : ''}`,
      esc(t.project),
      esc(t.status),
      `${fmtNum(t.durationMs / 1000)} s`,
      notMet.length > 0 ? `<ul>${notMet.join('')}</ul>` : `${t.thresholds.length} ok`,
      t.verdictReasons.length > 0 ? `<ul>${t.verdictReasons.map(r => `<li>${esc(r)}</li>`).join('')}</ul>` : '',
      testLinks(ctx, t)
    ]
  })
  return section('verdicts', 'Verdicts', matrix + table(['verdict', 'test', 'browser', 'status', 'duration', 'thresholds not met', 'reasons', 'links'], rows, 'verdicts'))
}

/** Convergence, reconnect and resync figures (resyncMs: runs from before the registry). */
const isConvergence = (figure: string): boolean => /^(convergence|resync|reconnect|timeToRe(connect|sync))/i.test(figure)
const isOpfs = (figure: string): boolean => figure.startsWith('opfs.')

const mergedTable = (ctx: SectionContext, figure: string): string => {
  const merged = mergeByProject(ctx.summary.tests, figure)
  return table(['browser', 'samples', 'p50', 'p95', 'p99', 'max'], [...merged].map(([p, h]) => {
    const s = h.summary()
    return [esc(p), fmtNum(s.count), ...[s.p50, s.p95, s.p99, s.max].map(v => `${fmtNum(v)} ms`)]
  }), 'num')
}

const percentileFigures = (ctx: SectionContext, figures: string[]): string =>
  figures.map(figure => {
    const merged = mergeByProject(ctx.summary.tests, figure)
    if (merged.size === 0) return ''
    return `<div class="figure-block">${chart(ctx, percentileChart('', `${figure}: percentile distribution, all tests merged per browser`, merged))}${mergedTable(ctx, figure)}</div>`
  }).join('')

/** Percentile-distribution charts of every latency histogram (propagation, ack, cold load…), merged exactly per browser. */
export const latencySection = (ctx: SectionContext): string => {
  const figures = histogramFigures(ctx.summary.tests).filter(f => !isConvergence(f) && !isOpfs(f))
  const order = (f: string): number => f === 'propagationMs' ? 0 : f === 'ackMs' ? 1 : 2
  figures.sort((a, b) => order(a) - order(b) || a.localeCompare(b))
  const body = percentileFigures(ctx, figures)
  return body === '' ? '' : section('latency', 'Latency (HDR percentile distribution)', body)
}

/** Convergence and resync figures: merged histograms when present, and every test's value. */
export const convergenceSection = (ctx: SectionContext): string => {
  const { tests } = ctx.summary
  const figures = [...new Set(tests.flatMap(t => Object.keys(t.figures)))].filter(isConvergence).sort()
  if (figures.length === 0) return ''
  const charts = percentileFigures(ctx, histogramFigures(tests).filter(isConvergence))
  const rows = sortedTests(tests).filter(t => figures.some(f => f in t.figures))
    .map(t => [esc(t.title), esc(t.project), ...figures.map(f => figureCell(t, f))])
  return section('convergence', 'Convergence and resync', charts + table(['test', 'browser', ...figures], rows, 'num'))
}

/** Headline figures side by side per browser: merged p95s, worst convergence, summed counts. */
export const browserSection = (ctx: SectionContext): string => {
  const { tests } = ctx.summary
  const projects = projectsOf(ctx.summary)
  if (projects.length === 0) return ''
  const byProject = (p: string): SummaryTest[] => tests.filter(t => t.project === p)
  const mergedP95 = (figure: string) => (p: string): string => {
    const h = mergeByProject(byProject(p), figure).get(p)
    return h === undefined ? '—' : `${fmtNum(h.percentile(95))} ms`
  }
  const maxOf = (figure: string) => (p: string): string => {
    const values = byProject(p).map(t => t.figures[figure]).flatMap(f => f === undefined || f === null ? [] : [typeof f === 'number' ? f : f.max])
    return values.length === 0 ? '—' : fmtFigure(figure, Math.max(...values))
  }
  const sumOf = (figure: string) => (p: string): string => {
    const values = byProject(p).map(t => t.figures[figure]).flatMap(f => typeof f === 'number' ? [f] : [])
    return values.length === 0 ? '—' : fmtNum(values.reduce((a, b) => a + b, 0))
  }
  const rows: Array<[string, (p: string) => string]> = [
    [`tests (${verdictsBySeverity.join(' / ')})`, p => verdictsBySeverity.map(v => byProject(p).filter(t => t.verdict === v).length).join(' / ')],
    ['propagation p95 (merged)', mergedP95('propagationMs')],
    ['ack p95 (merged)', mergedP95('ackMs')],
    ['convergence (worst test)', maxOf('convergenceMs')],
    ['lost ops (sum)', sumOf('lostOps')],
    ['phantom ops (sum)', sumOf('phantomOps')],
    ['divergent replicas (sum)', sumOf('divergentReplicas')]
  ]
  return section('browsers', 'Per-browser comparison', table(['figure', ...projects], rows.map(([label, cell]) => [esc(label), ...projects.map(cell)]), 'num'))
}

const seriesNames = (test: SummaryTest, match: (name: string) => boolean): string[] =>
  Object.keys(test.series ?? {}).filter(n => match(n) && (test.series?.[n]?.length ?? 0) > 0).sort()

/** Heap per replica over time, with each fitted slope dashed and listed with its confidence interval. */
export const heapSection = (ctx: SectionContext): string => {
  const blocks = sortedTests(ctx.summary.tests).flatMap(t => {
    // The server's post-GC heap is fitted like a page's: it sits beside them with its own line.
    const names = seriesNames(t, n => n.startsWith('heap.') || n === 'server.heapBytes')
    if (names.length === 0) return []
    const fits = names.flatMap(n => {
      const fit = t.fits?.[n]
      if (fit === undefined) return []
      const perOp = fit.slopePerOp === undefined ? '—' : `${esc(fmtBytes(fit.slopePerOp))}/op (${esc(fmtBytes(fit.ciLowPerOp))} … ${esc(fmtBytes(fit.ciHighPerOp))})`
      return [[esc(n), `${esc(fmtBytes(fit.slopePerMin))}/min`, `${esc(fmtBytes(fit.ciLow))} … ${esc(fmtBytes(fit.ciHigh))} /min`, perOp, fit.leak === undefined ? '—' : fit.leak ? '<b>leak</b>' : 'no']]
    })
    return [chart(ctx, seriesChart('', `heap: ${t.title} [${t.project}]`, t, names)) + (fits.length > 0 ? table(['series', 'slope', 'CI', 'per op (CI)', 'leak'], fits, 'num') : '')]
  })
  return blocks.length === 0 ? '' : section('heap', 'Heap over time', blocks.join(''))
}

/** One chart per server metric per test (their units differ). */
export const serverSection = (ctx: SectionContext): string => {
  const blocks = sortedTests(ctx.summary.tests).flatMap(t =>
    seriesNames(t, n => n.startsWith('server.')).map(n => chart(ctx, seriesChart('', `${n}: ${t.title} [${t.project}]`, t, [n]))))
  return blocks.length === 0 ? '' : section('server', 'Server metrics timeline', `<div class="grid">${blocks.join('')}</div>`)
}

/** Series neither heap nor server, drawn one chart per test. */
export const otherSeriesSection = (ctx: SectionContext): string => {
  const blocks = sortedTests(ctx.summary.tests).flatMap(t => {
    const names = seriesNames(t, n => !n.startsWith('heap.') && !n.startsWith('server.'))
    return names.length === 0 ? [] : [chart(ctx, seriesChart('', `series: ${t.title} [${t.project}]`, t, names))]
  })
  return blocks.length === 0 ? '' : section('series', 'Other series', blocks.join(''))
}

/** OPFS against IndexedDB per browser, and store latency under load: its own module. */
export { opfsSection } from './opfs-section.ts'

const pct = (n: number): string => `${n >= 0 ? '+' : '−'}${fmtNum(Math.abs(n))}%`

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

/** Trends of the headline figures across the last runs of history.jsonl. */
export const historySection = (ctx: SectionContext): string => {
  if (ctx.history.length < 2) return section('history', 'History', `<p>${ctx.history.length} run(s) in reports/history.jsonl; trends appear from the second run.</p>`)
  const keys = [...new Set(ctx.history.flatMap(h => h.tests.flatMap(t => Object.keys(t.figures))))]
  const preferred = ['propagationMs.p95', 'ackMs.p95', 'convergenceMs', 'convergenceMs.p95']
  const chosen = [...preferred.filter(k => keys.includes(k)), ...keys.filter(k => !preferred.includes(k) && isTrended(k)).sort()]
  const charts = chosen.flatMap(k => {
    const spec = trendChart('', k, ctx.history)
    return spec === undefined ? [] : [chart(ctx, spec)]
  })
  return section('history', 'History', `<div class="grid">${charts.join('')}</div>`)
}

/** Every figure, threshold and timeline event of every test (distributions generically). */
export const detailSection = (ctx: SectionContext): string => {
  const blocks = sortedTests(ctx.summary.tests).map(t => {
    // A not-measurable figure is usually also recorded as null: one row, with the reason.
    const names = [...new Set([...Object.keys(t.figures), ...Object.keys(t.notMeasurable)])].sort()
    const figures = names.map(name => [`<code>${esc(name)}</code>`, figureCell(t, name)])
    const thresholds = t.thresholds.map(th => [
      th.ok ? '✓' : th.error !== undefined ? '<b class="bad">error</b>' : th.notMeasurable !== undefined ? 'n/m' : '<b class="bad">✗</b>',
      `<code>${esc(th.figure)}</code>`, esc(th.limit), thresholdOutcome(t, th)
    ])
    const t0 = t.timeline[0]?.t ?? 0
    const events = t.timeline.map(e => [`${fmtNum((e.t - t0) / 1000)} s`, esc(e.event)])
    return `<details><summary>${badge(t.verdict)} ${esc(t.title)} [${esc(t.project)}] ${testLinks(ctx, t)}</summary>` +
      (figures.length > 0 ? table(['figure', 'value'], figures, 'num') : '<p>No figures.</p>') +
      (thresholds.length > 0 ? table(['ok', 'figure', 'limit', 'outcome'], thresholds) : '') +
      (events.length > 0 ? table(['t', 'event'], events) : '') + '</details>'
  })
  return section('details', 'All figures per test', blocks.join(''))
}

/** Browsers and versions, host, profile, seed, target, client, git revision. */
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
