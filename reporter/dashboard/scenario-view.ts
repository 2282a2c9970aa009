/**
 * One scenario's view (`#/scenario/<slug>`): its verdict and thresholds per
 * browser, then charts of this scenario's data only: propagation p95 over
 * time with the fault windows shaded, the latency distributions, reconnect
 * and resync, heap with its fitted slope, server metrics; then every figure
 * side by side per browser, and the timeline. A chart needs data: a
 * distribution with fewer than `minChartSamples` samples or a series with
 * fewer than `minSeriesPoints` points is a table row, not a chart.
 *
 * @module reporter/dashboard/scenario-view
 */
import type { SummaryTest } from '../summary.ts'
import type { LatencyHistogram } from '../../metrics/histogram.ts'
import { faultWindows, mergeByProject, minChartSamples, minSeriesPoints, percentileChart, seriesChart, testStart } from './charts.ts'
import { esc, fmtNum, labelSpec, table } from './html.ts'
import { opfsSection } from './opfs-section.ts'
import type { Scenario } from './scenarios.ts'
import { badge, chart, figureCell, fitsTable, section, testLinks, thresholdOutcome, type SectionContext } from './sections.ts'

/** Recovery figures: time to reconnect or resync after a fault, and the spread of retries. */
const isRecovery = (figure: string): boolean => /re(connect|sync)/i.test(figure)

/** Registered distributions of the stack's latency (not the suite's own costs, not the OPFS benchmark). */
const isStackLatency = (figure: string): boolean => {
  const spec = labelSpec(figure)
  return spec !== undefined && spec.shape === 'histogram' && spec.role === 'stack' && !figure.startsWith('opfs.')
}

const ranTests = (scenario: Scenario): SummaryTest[] => scenario.tests.filter(t => t.status !== 'skipped')

/** Every figure's histograms, merged within this scenario per browser (retries and shards of one test). */
const distributions = (tests: SummaryTest[], figures: string[]): Array<{ figure: string, project: string, histogram: LatencyHistogram }> =>
  figures.flatMap(figure => [...mergeByProject(tests, figure)].map(([project, histogram]) => ({ figure, project, histogram })))

/** A percentile chart of the distributions with enough samples, and a table of all of them. */
const distributionBlock = (ctx: SectionContext, title: string, tests: SummaryTest[], figures: string[]): string => {
  const all = distributions(tests, figures)
  if (all.length === 0) return ''
  const charted = all.filter(d => d.histogram.count >= minChartSamples)
  const left = all.length - charted.length
  const spec = charted.length === 0 ? undefined : percentileChart(title, charted.map(d => ({ label: `${d.figure} · ${d.project}`, histogram: d.histogram })))
  const rows = all.map(({ figure, project, histogram }) => {
    const s = histogram.summary()
    return [`<code>${esc(figure)}</code>`, esc(project), fmtNum(s.count), ...[s.p50, s.p95, s.p99, s.max].map(v => `${fmtNum(v)} ms`)]
  })
  return chart(ctx, spec, left > 0 ? `(${left} distribution(s) under ${minChartSamples} samples: table only)` : '') +
    table(['figure', 'browser', 'samples', 'p50', 'p95', 'p99', 'max'], rows, 'num')
}

const histogramNames = (tests: SummaryTest[]): string[] => [...new Set(tests.flatMap(t => Object.keys(t.histograms)))].sort()

const seriesNames = (test: SummaryTest, match: (name: string) => boolean): string[] =>
  Object.keys(test.series ?? {}).filter(n => match(n) && (test.series?.[n]?.length ?? 0) >= minSeriesPoints).sort()

const faultNote = (test: SummaryTest): string => {
  const names = [...new Set(faultWindows(test).map(w => w.name))]
  return names.length === 0 ? '' : `shaded: ${names.join(', ')}`
}

const verdictTable = (ctx: SectionContext, scenario: Scenario): string =>
  table(['browser', 'verdict', 'status', 'duration', 'reasons', 'links'], scenario.tests.map(t => [
    esc(t.project), badge(t.verdict), esc(t.status), `${fmtNum(t.durationMs / 1000)} s`,
    t.verdictReasons.length > 0 ? `<ul>${t.verdictReasons.map(r => `<li>${esc(r)}</li>`).join('')}</ul>` : '',
    testLinks(ctx, t)
  ]), 'verdicts')

/** One row per threshold (figure and limit), one column per browser. */
const thresholdTable = (tests: SummaryTest[]): string => {
  const keys = [...new Set(tests.flatMap(t => t.thresholds.map(th => `${th.figure}\u0000${th.limit}`)))]
  if (keys.length === 0) return ''
  const rows = keys.map(key => {
    const [figure, limit] = key.split('\u0000') as [string, string]
    return [`<code>${esc(figure)}</code>`, esc(limit), ...tests.map(t => {
      const th = t.thresholds.find(x => x.figure === figure && x.limit === limit)
      if (th === undefined) return ''
      const mark = th.ok ? '✓' : th.error !== undefined ? '<b class="bad">error</b>' : th.notMeasurable !== undefined ? 'n/m' : '<b class="bad">✗</b>'
      return `${mark} ${thresholdOutcome(t, th)}`
    })]
  })
  return table(['figure', 'limit', ...tests.map(t => t.project)], rows, 'num thresholds')
}

const figuresTable = (tests: SummaryTest[]): string => {
  // A not-measurable figure is usually also recorded as null: one row, with the reason.
  const names = [...new Set(tests.flatMap(t => [...Object.keys(t.figures), ...Object.keys(t.notMeasurable)]))].sort()
  if (names.length === 0) return '<p>No figures.</p>'
  return table(['figure', ...tests.map(t => t.project)], names.map(n => [`<code>${esc(n)}</code>`, ...tests.map(t => figureCell(t, n))]), 'num figures')
}

const timelines = (tests: SummaryTest[]): string => tests.filter(t => t.timeline.length > 0).map(t => {
  const t0 = testStart(t)
  return `<details><summary>timeline [${esc(t.project)}] (${t.timeline.length} events)</summary>${table(['t', 'event'], t.timeline.map(e => [`${fmtNum((e.t - t0) / 1000)} s`, `<pre>${esc(e.event)}</pre>`]))}</details>`
}).join('')

/**
 * @param {SectionContext} ctx the run
 * @param {Scenario} scenario this view's scenario
 * @param {{ prev?: Scenario, next?: Scenario }} around the neighbours in the summary's order
 * @return {string} the view's body
 */
export const scenarioView = (ctx: SectionContext, scenario: Scenario, around: { prev?: Scenario, next?: Scenario }): string => {
  const tests = ranTests(scenario)
  const id = (part: string): string => `${part}-${scenario.slug}`
  const crumbs = `<p class="crumbs"><a href="#/">← Summary</a>${around.prev === undefined ? '' : ` · <a href="#/scenario/${esc(around.prev.slug)}">‹ ${esc(around.prev.slug)}</a>`}${around.next === undefined ? '' : ` · <a href="#/scenario/${esc(around.next.slug)}">${esc(around.next.slug)} ›</a>`}</p>`
  const head = `${crumbs}<h1>${badge(scenario.verdict)} ${esc(scenario.slug)}: ${esc(scenario.title)}</h1>` +
    (scenario.tags.length > 0 ? `<p class="tags">${esc(scenario.tags.join(' '))}</p>` : '') + verdictTable(ctx, scenario) + thresholdTable(tests)

  const overTime = tests.map(t => chart(ctx, seriesChart(`propagationMs p95 over time [${t.project}]`, t, ['propagationMs.p95'], 'ms'), faultNote(t))).join('')
  const latencies = distributionBlock(ctx, 'percentile distribution (HDR)', tests, histogramNames(tests).filter(f => isStackLatency(f) && !isRecovery(f)))
  const recovery = distributionBlock(ctx, 'percentile distribution (HDR), after each fault', tests, histogramNames(tests).filter(isRecovery))
  const heap = tests.map(t => {
    // The server's post-GC heap is fitted like a page's: it sits beside them with its own line.
    const names = seriesNames(t, n => n.startsWith('heap.') || n === 'server.heapBytes')
    return chart(ctx, seriesChart(`heap over time [${t.project}]`, t, names), faultNote(t)) + fitsTable(t, Object.keys(t.fits ?? {}))
  }).join('')
  const server = tests.flatMap(t => seriesNames(t, n => n.startsWith('server.') && n !== 'server.heapBytes')
    .map(n => chart(ctx, seriesChart(`${n} [${t.project}]`, t, [n])))).join('')
  const other = tests.map(t => chart(ctx, seriesChart(`series [${t.project}]`, t, seriesNames(t, n => !n.startsWith('heap.') && !n.startsWith('server.') && n !== 'propagationMs.p95')))).join('')
  const opfs = opfsSection({ ...ctx, summary: { ...ctx.summary, tests } }, id('opfs'))

  return head +
    (overTime === '' ? '' : section(id('propagation'), 'Propagation over time', `<div class="grid">${overTime}</div>`)) +
    (latencies === '' ? '' : section(id('latency'), 'Latency distributions', latencies)) +
    (recovery === '' ? '' : section(id('recovery'), 'Reconnect and resync', recovery)) +
    (heap === '' ? '' : section(id('heap'), 'Heap over time', heap)) +
    (server === '' ? '' : section(id('server'), 'Server metrics', `<div class="grid">${server}</div>`)) +
    (other === '' ? '' : section(id('series'), 'Other series', other)) +
    opfs +
    section(id('figures'), 'All figures', figuresTable(tests.length > 0 ? tests : scenario.tests) + timelines(tests))
}
