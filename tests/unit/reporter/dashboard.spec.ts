import { test, expect } from '@playwright/test'
import { buildDashboard } from '../../../reporter/dashboard/build.ts'
import { headlineFigures, scenariosOf } from '../../../reporter/dashboard/scenarios.ts'
import { createBaseline } from '../../../reporter/baseline.ts'
import { historyLine, type HistoryLine } from '../../../reporter/history.ts'
import { summarySchema, type SummaryTest } from '../../../reporter/summary.ts'
import { fmtFigure } from '../../../reporter/dashboard/html.ts'
import { LatencyHistogram } from '../../../metrics/histogram.ts'
import { toJson } from '../../../metrics/test-metrics.ts'
import { chromiumPropagation, hostileTitle, suiteErrorReason, syntheticSummary } from './synthetic.ts'

interface Chart { id: string, title: string, yUnit: string, series: Array<{ label: string, dash?: boolean }>, data: Array<Array<number | null>>, bands?: Array<[number, number]> }

const chartsOf = (html: string): Chart[] => {
  const m = /<script type="application\/json" id="dashboard-data">([\s\S]*?)<\/script>/.exec(html)
  expect(m).not.toBeNull()
  return (JSON.parse(m![1]!) as { charts: Chart[] }).charts
}

const history = (): HistoryLine[] => {
  const first = historyLine(syntheticSummary())
  const second = { ...first, runId: 'run-2', time: '2026-11-24T17:00:00.000Z' }
  return [first, second]
}

/** The inside of one section (no nested sections) of the dashboard. */
const sectionOf = (html: string, id: string): string => new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html)![1]!

/** The inside of one view: from its opening tag to the next view. */
const viewOf = (html: string, id: string): string => {
  const from = html.indexOf(`<div class="view" id="${id}"`)
  expect(from, `view ${id}`).toBeGreaterThan(-1)
  const to = html.indexOf('<div class="view"', from + 1)
  return html.slice(from, to === -1 ? html.indexOf('<script', from) : to)
}

/** The charts whose placeholders are in `part` of the page. */
const chartsIn = (html: string, part: string): Chart[] => chartsOf(html).filter(c => part.includes(`id="${c.id}"`))

test('the synthetic summary is a valid summary.json, and Infinity round-trips through JSON as "never"', () => {
  const summary = syntheticSummary()
  const json = toJson(summary)
  expect(json).toContain('"convergenceMs":"never"')
  expect(summarySchema.parse(JSON.parse(json))).toEqual(summary)
})

test('figures are formatted by their registered unit; names the registry does not know fall back to a guess', () => {
  expect(fmtFigure('convergenceMs', 1234)).toBe('1,234 ms')
  expect(fmtFigure('propagationMs.p95', 12.3)).toBe('12.30 ms') // a headline key
  expect(fmtFigure('ackMs{browser:webkit}', 7)).toBe('7 ms') // a threshold key
  expect(fmtFigure('opfs.indexeddb.write.10.batch', 0.5)).toBe('0.5 ms') // a family
  expect(fmtFigure('bytesIn', 3 * 1024 * 1024)).toBe('3.0 MiB')
  expect(fmtFigure('clientHeapSlopeMaxBytesPerMin', 150_000)).toBe('146.5 KiB/min')
  expect(fmtFigure('serverHeapGrowthBytesPerWrite', 2048)).toBe('2.0 KiB/op')
  expect(fmtFigure('serverCpuPctMean', 12.5)).toBe('12.50%')
  expect(fmtFigure('opSuccessRate', 0.98)).toBe('0.98')
  expect(fmtFigure('opfs.opfs-main.write.10.batch.ratioToIndexedDB.p95', 1.25)).toBe('1.25')
  expect(fmtFigure('lostOps', 1200)).toBe('1,200')
  // A registered count whose name ends like a duration is still a count.
  expect(fmtFigure('sessionConnectErrors', 3)).toBe('3')
  // Infinity is "never" whatever the unit; no value is a dash.
  expect(fmtFigure('halfOpenDetectMs', Number.POSITIVE_INFINITY)).toBe('never')
  expect(fmtFigure('serverHeapGrowthBytesPerWrite', Number.POSITIVE_INFINITY)).toBe('never')
  expect(fmtFigure('convergenceMs', null)).toBe('—')
  // Unregistered names (runs from before the registry): guessed from the name.
  expect(fmtFigure('resyncMs', 5)).toBe('5 ms')
  expect(fmtFigure('heapGrowthBytesPerMin', 2048)).toBe('2.0 KiB')
  expect(fmtFigure('opsPerSec', 400)).toBe('400')
})

test('scenarios: one per title, slugged by tag (numbered when titles share one), most severe first; a skipped browser does not set the verdict', () => {
  const t = (title: string, tags: string[], project: string, verdict: SummaryTest['verdict'], status = 'passed'): SummaryTest => ({
    title, tags, project, status, verdict, verdictReasons: [], durationMs: 1, figures: {}, notMeasurable: {}, histograms: {}, thresholds: [], timeline: []
  })
  const scenarios = scenariosOf([
    t('rejoin: b', ['@rejoin'], 'chromium', 'pass'), t('rejoin: a', ['@rejoin'], 'chromium', 'pass'),
    t('ramp: up', ['@ramp'], 'chromium', 'pass'), t('ramp: up', ['@ramp'], 'webkit', 'not-measurable', 'skipped'),
    t('Odd / Title!', [], 'chromium', 'fail')
  ])
  expect(scenarios.map(s => [s.slug, s.verdict])).toEqual([['odd-title', 'fail'], ['ramp', 'pass'], ['rejoin-1', 'pass'], ['rejoin-2', 'pass']])
  expect(scenarios.find(s => s.slug === 'rejoin-1')!.title).toBe('rejoin: a')
  expect(scenarios.find(s => s.slug === 'ramp')!.tests).toHaveLength(2)
})

test('headline figures: what the thresholds judge, time-like before counts, then propagation and convergence; only figures with a value', () => {
  const [baseline, burst, , , soak, sessions] = syntheticSummary().tests
  const of = (test: SummaryTest): string[] => headlineFigures({ slug: 'x', title: test.title, tags: [], tests: [test], verdict: test.verdict })
  // lostOps (a count) is judged, but time-like figures come first.
  expect(of(baseline!)).toEqual(['propagationMs', 'convergenceMs', 'ackMs'])
  expect(of(burst!)).toEqual(['propagationMs', 'convergenceMs', 'ackMs'])
  expect(of(soak!)).toEqual([])
  // sessionConnectMs has no value (a suite error); unackedOps is null.
  expect(of(sessions!)).toEqual([])
})

test('the summary view: run line with environment and seed, breached thresholds, one grid row per scenario with headline figures', () => {
  const html = buildDashboard(syntheticSummary(), { history: history(), playwrightReportDir: '../../playwright-report' })
  const summary = viewOf(html, 'summary')
  expect(summary).toContain('data-route="/"')
  expect(summary).not.toContain(' hidden>')
  expect(summary).toContain('<b>seed</b> 42')
  expect(summary).toContain('<b>browsers</b> chromium 140.0.1, firefox 140.3esr, webkit (not installed)')
  expect(summary).toContain('<b>machine</b> vm: 2 × AMD EPYC, 8.0 GiB, linux 6, node v20.20.2')
  expect(summary).toContain('<b>client</b> reference')
  // The first screen has no charts: those are in the scenario views.
  expect(summary).not.toContain('class="chart"')

  const breaches = sectionOf(html, 'breaches')
  expect(breaches).toContain('<h2>Breached thresholds (3)</h2>')
  expect(breaches).toContain('<td><code>propagationMs</code></td><td>p(95)&lt;10</td><td>measured <b>42.50 ms</b></td><td><a href="#/scenario/burst"')
  expect(breaches).toContain('<td><code>convergenceMs</code></td><td>value&lt;30000</td><td>measured <b>never</b></td>')
  expect(breaches).toContain(`<td><code>sessionConnectMs</code></td><td>p(95)&lt;500</td><td><b class="bad">suite error</b>: ${suiteErrorReason}</td>`)
  // Not measurable is not a breach; a skipped browser is a reason.
  expect(breaches).not.toContain('<td><code>unackedOps</code></td>')
  expect(breaches).toContain('webkit: skipped, not installed')

  const grid = /<table class="matrix">([\s\S]*?)<\/table>/.exec(summary)![1]!
  // webkit ran nothing: no column.
  expect(grid).toContain('<th>scenario</th><th>chromium</th><th>firefox</th><th>headline figures (chromium · firefox)</th>')
  const rows = grid.split('<tr>').slice(2)
  expect(rows.map(r => /href="#\/scenario\/([^"]+)"/.exec(r)![1])).toEqual(['sessions', 'burst', 'baseline', 'soak'])
  expect(rows[1]).toContain('<span class="badge v-fail">fail</span>')
  expect(rows[1]).toContain('<span class="k">convergenceMs</span> never · 120 ms')
  const chromiumP95 = chromiumPropagation[0]!.summary().p95
  expect(rows[2]).toContain(`<span class="k">propagationMs p95</span> ${fmtFigure('propagationMs', chromiumP95)} · `)
  expect(html).toContain('<p class="counts"><span class="badge v-error">error</span> × 1 <span class="badge v-fail">fail</span> × 1 ')
})

test('a view per scenario, routed by hash; percentiles are never merged across scenarios', () => {
  const html = buildDashboard(syntheticSummary())
  for (const slug of ['baseline', 'burst', 'soak', 'sessions']) expect(html).toContain(`<div class="view" id="scenario-${slug}" data-route="/scenario/${slug}" hidden>`)
  const baseline = viewOf(html, 'scenario-baseline')
  const [propagation] = chartsIn(html, baseline)
  expect(propagation!.title).toBe('percentile distribution (HDR)')
  // This scenario's own histograms, one line per browser and figure: chromium's baseline test alone (n=1500), not both chromium tests (2000).
  expect(propagation!.series.map(s => s.label)).toEqual(['ackMs · chromium (n=200)', 'ackMs · firefox (n=200)', 'propagationMs · chromium (n=1500)', 'propagationMs · firefox (n=1000)'])
  const own = chromiumPropagation[0]!
  const at = (x: number): number | null => propagation!.data[3]![propagation!.data[0]!.indexOf(x)]!
  expect(at(1)).toBe(own.percentile(90))
  expect(at(2)).toBe(own.percentile(99))
  for (const c of chartsOf(html)) for (const s of c.series) expect(s.label).not.toContain('n=2000')
  expect(html).not.toContain('merged per browser')
  // Recovery figures have their own block, in the soak view only.
  expect(viewOf(html, 'scenario-soak')).toContain('<h2>Reconnect and resync</h2>')
  expect(baseline).not.toContain('timeToResyncMs')
})

test('propagation p95 over time shades the fault windows, in seconds since the test started', () => {
  const html = buildDashboard(syntheticSummary())
  const burst = viewOf(html, 'scenario-burst')
  const overTime = chartsIn(html, burst).find(c => c.title === 'propagationMs p95 over time [chromium]')!
  expect(overTime.yUnit).toBe('ms')
  expect(overTime.bands).toEqual([[2, 3]])
  expect(overTime.data[0]![0]).toBe(0.5)
  expect(overTime.data[1]![2]).toBe(400)
  expect(burst).toContain('shaded: reset every connection')
  // firefox recorded no series: no chart for it.
  expect(chartsIn(html, burst).some(c => c.title.includes('over time [firefox]'))).toBe(false)
})

test('no chart without data: short series and small distributions are table rows, not charts', () => {
  const summary = syntheticSummary()
  const soak = summary.tests.find(t => t.title.startsWith('soak'))!
  soak.series = { 'heap.r1': [[0, 5e6], [45, 5.1e6], [90, 5.2e6]], 'server.connections': [[0, 1]] }
  soak.fits = {}
  const small = new LatencyHistogram()
  for (let i = 0; i < 6; i++) small.record(100 + i)
  soak.histograms.timeToResyncMs = small.encode()
  const html = buildDashboard(summary)
  const view = viewOf(html, 'scenario-soak')
  expect(chartsIn(html, view).map(c => c.title)).toEqual([])
  expect(view).not.toContain('<h2>Heap over time</h2>')
  expect(view).not.toContain('<h2>Server metrics</h2>')
  // The 6 resync samples are listed with their percentiles.
  expect(view).toMatch(/<td><code>timeToResyncMs<\/code><\/td><td>chromium<\/td><td>6<\/td>/)
  // Every chart has data: at least two x values, and a value in some series.
  for (const c of chartsOf(buildDashboard(syntheticSummary(), { history: history() }))) {
    expect(c.data[0]!.length, c.title).toBeGreaterThan(1)
    expect(c.data.slice(1).some(row => row.some(v => v !== null)), c.title).toBe(true)
  }
})

test('the dashboard is self-contained: uPlot inlined, no external URL, one placeholder per chart', () => {
  const html = buildDashboard(syntheticSummary(), { history: history() })
  expect(html).not.toMatch(/<script[^>]+src=/)
  expect(html).not.toMatch(/<link[^>]+href=/)
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//)
  expect(html).toContain('uPlot')
  expect(html).toContain('.uplot')
  const charts = chartsOf(html)
  expect(charts.length).toBeGreaterThan(5)
  for (const c of charts) {
    expect(html).toContain(`<div class="chart" id="${c.id}"></div>`)
    for (const row of c.data) expect(row.length).toBe(c.data[0]!.length)
  }
  expect(html.match(/<div class="chart"/g)?.length).toBe(charts.length)
})

test('text from tests is escaped everywhere', () => {
  const html = buildDashboard(syntheticSummary())
  expect(html).not.toContain('<img src=x')
  expect(html).not.toContain('</script><img')
  expect(html).toContain('burst &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;')
  expect(html).not.toContain(hostileTitle)
  expect(html).toContain('workload: 10 op/s &lt;b&gt;')
  // One closing tag per script element: data, uPlot, client.
  expect(html.match(/<\/script>/g)?.length).toBe(3)
})

test('a scenario view has its verdicts, thresholds side by side per browser, figures, links; Infinity reads "never" and not measurable says why', () => {
  const html = buildDashboard(syntheticSummary(), { playwrightReportDir: '../../playwright-report' })
  expect(html).not.toContain('Infinity')
  const burst = viewOf(html, 'scenario-burst')
  expect(burst).toContain('<th>figure</th><th>limit</th><th>chromium</th><th>firefox</th>')
  expect(burst).toContain('<td><code>convergenceMs</code></td><td>value&lt;30000</td><td><b class="bad">✗</b> measured <b>never</b></td><td></td>')
  expect(burst).toContain('href="../../playwright-report/index.html#?testId=chromium-')
  expect(burst).toContain('href="../../test-results/burst-chromium/trace.zip">trace</a>')
  expect(burst).toMatch(/<td><code>convergenceMs<\/code><\/td><td>never<\/td><td>120 ms<\/td>/)
  const sessions = viewOf(html, 'scenario-sessions')
  expect(sessions).toContain('<td>not measurable (acks): client y-websocket has no durable-write acks</td>')
  expect(sessions).toContain(`<td><code>sessionConnectMs</code></td><td>p(95)&lt;500</td><td><b class="bad">error</b> <b class="bad">suite error</b>: ${suiteErrorReason}</td>`)
  expect(sessions).toContain('<td><code>unackedOps</code></td><td>value==0</td><td>n/m not measurable (acks): client y-websocket has no durable-write acks</td>')
  const soak = viewOf(html, 'scenario-soak')
  expect(soak).toContain('<td>146.5 KiB/min</td>')
  expect(soak).toContain('<td>2.0 KiB/op</td>')
  expect(soak).toContain('<td>12.50%</td>')
  expect(buildDashboard(syntheticSummary())).not.toContain('playwright-report')
})

test('OPFS is compared with IndexedDB in its scenario; heap is drawn with its fitted slopes', () => {
  const html = buildDashboard(syntheticSummary())
  const opfs = sectionOf(html, 'opfs-soak')
  expect(opfs).toContain('<h3>chromium</h3>')
  expect(opfs).toContain('<td>write</td><td>100</td><td>one single-item call</td>')
  expect(opfs).toContain('×0.5 / ×0.5') // opfs-main p50 10 vs 20, p95 30 vs 60
  expect(opfs).toContain('×0.75 / ×0.55')
  expect(opfs).toContain('<td>read</td><td>100</td><td>one single-item call</td><td>—</td><td><span class="bad">not measurable (opfs): opfs-worker does not run in chromium: no Worker</span></td><td>4.00 / 8.00 ms <span class="tags">n=100</span></td><td>— / —</td>')
  const heap = chartsOf(html).find(c => c.title === 'heap over time [chromium]')!
  expect(heap.series.map(s => s.label)).toEqual(['heap.r1', 'heap.r1 fit', 'heap.r2', 'heap.r2 fit'])
  expect(heap.series[1]!.dash).toBe(true)
  // The fitted line of r1 rises by slope × span: 60 MB/min over 59 s.
  const fit = heap.data[2]!.filter((v): v is number => v !== null)
  expect(fit.at(-1)! - fit[0]!).toBeCloseTo(60e6 * 59 / 60, 0)
  expect(html).toContain('57.2 MiB/min')
})

test('a baseline comparison shows deltas, worst first', () => {
  const summary = syntheticSummary()
  const baseline = createBaseline(summary)
  const entry = baseline.tests.find(t => t.project === 'firefox' && t.title.startsWith('baseline'))!
  entry.figures['ackMs.p95'] = entry.figures['ackMs.p95']! / 2 // now +100%: fail
  entry.figures.opSuccessRate = 0.99 / 0.7 // now −30%, and higher is better: warn
  entry.figures.opErrorRate = 0.02 // now 0.01: −50%, and lower is better: ok
  const html = buildDashboard(summary, { baseline })
  expect(html).toContain('baseline: 1 fail, 1 warn, ')
  const section = sectionOf(html, 'baseline')
  expect(section).toContain('1 fail, 1 warn')
  expect(section).toMatch(/r-warn">warn<\/span><\/td><td>baseline: few replicas<\/td><td>firefox<\/td><td><code>opSuccessRate<\/code><\/td><td>higher \(rate\)<\/td><td>1.41<\/td><td>0.99<\/td><td>−30.00%<\/td>/)
  expect(section).toMatch(/r-ok">ok<\/span><\/td><td>baseline: few replicas<\/td><td>firefox<\/td><td><code>opErrorRate<\/code><\/td><td>lower \(rate\)<\/td><td>0.02<\/td><td>0.01<\/td><td>−50%<\/td>/)
  const failAt = section.indexOf('r-fail')
  const warnAt = section.indexOf('r-warn')
  expect(failAt).toBeGreaterThan(-1)
  expect(warnAt).toBeGreaterThan(failAt)
  expect(section).toContain('+100%')
  expect(buildDashboard(syntheticSummary())).toContain('No baseline for this profile')
})

test('history trends: the preferred latencies, then every registered throughput and rate figure; counts and unregistered names are not drawn', () => {
  const lines = history()
  for (const line of lines) line.tests[0]!.figures.opsPerSec = 400 // a name from before the registry
  const titles = chartsOf(buildDashboard(syntheticSummary(), { history: lines })).map(c => c.title).filter(t => t.includes('across the last'))
  expect(titles).toEqual(['propagationMs.p95', 'ackMs.p95', 'convergenceMs', 'opErrorRate', 'opSuccessRate'].map(k => `${k} across the last 2 run(s)`))
  const trend = chartsOf(buildDashboard(syntheticSummary(), { history: lines })).find(c => c.title.startsWith('convergenceMs across'))!
  expect(trend.yUnit).toBe('ms')
})

test('stacks side by side get a view and a nav link only when the history holds two stacks', () => {
  const one = buildDashboard(syntheticSummary(), { history: history() })
  expect(one).not.toContain('href="#/stacks"')
  const lines = history()
  lines[1] = { ...lines[1]!, client: 'y-websocket' }
  const two = buildDashboard(syntheticSummary(), { history: lines })
  expect(two).toContain('<a href="#/stacks">Stacks side by side</a>')
  expect(viewOf(two, 'stacks-view')).toContain('<th>reference @ reference</th><th>y-websocket @ reference</th>')
})
