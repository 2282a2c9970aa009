import { test, expect } from '@playwright/test'
import { buildDashboard } from '../../../reporter/dashboard/build.ts'
import { createBaseline } from '../../../reporter/baseline.ts'
import { historyLine, type HistoryLine } from '../../../reporter/history.ts'
import { summarySchema } from '../../../reporter/summary.ts'
import { fmtFigure } from '../../../reporter/dashboard/html.ts'
import { LatencyHistogram } from '../../../metrics/histogram.ts'
import { toJson } from '../../../metrics/test-metrics.ts'
import { chromiumPropagation, hostileTitle, suiteErrorReason, syntheticSummary } from './synthetic.ts'

interface Chart { id: string, title: string, series: Array<{ label: string, dash?: boolean }>, data: Array<Array<number | null>> }

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

/** The inside of one section of the dashboard. */
const sectionOf = (html: string, id: string): string => new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html)![1]!

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

test('the dashboard has every section, and the optional ones only when their data is present', () => {
  const html = buildDashboard(syntheticSummary(), { history: history(), playwrightReportDir: '../../playwright-report' })
  for (const id of ['verdicts', 'baseline', 'latency', 'convergence', 'browsers', 'heap', 'server', 'opfs', 'history', 'details', 'environment']) {
    expect(html, `section ${id}`).toContain(`<section id="${id}">`)
  }
  const bare = syntheticSummary()
  bare.tests = bare.tests.filter(t => !t.title.startsWith('soak'))
  const plain = buildDashboard(bare)
  for (const id of ['heap', 'server', 'opfs']) expect(plain).not.toContain(`<section id="${id}">`)
  expect(plain).toContain('No baseline for this profile')
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

test('latency charts merge the HDR histograms of every test per browser exactly', () => {
  const html = buildDashboard(syntheticSummary())
  const merged = new LatencyHistogram()
  for (const h of chromiumPropagation) merged.add(LatencyHistogram.decode(h.encode()))
  const propagation = chartsOf(html).find(c => c.title.startsWith('propagationMs'))!
  expect(propagation.series.map(s => s.label)).toEqual([`chromium (n=${merged.count})`, 'firefox (n=1800)'])
  // x is in nines: x = 1 is p90, x = 2 is p99.
  const at = (x: number): number | null => propagation.data[1]![propagation.data[0]!.indexOf(x)]!
  expect(at(1)).toBe(merged.percentile(90))
  expect(at(2)).toBe(merged.percentile(99))
  expect(chartsOf(html).some(c => c.title.startsWith('ackMs'))).toBe(true)
  // resync is drawn with convergence, not with latency.
  expect(sectionOf(html, 'convergence')).toContain('timeToResyncMs: percentile distribution')
  expect(sectionOf(html, 'latency')).not.toContain('timeToResyncMs')
})

test('the verdict table lists suite errors, then failures first and tests that never ran last, with the thresholds not met, reasons and links', () => {
  const html = buildDashboard(syntheticSummary(), { playwrightReportDir: '../../playwright-report' })
  const table = /<table class="verdicts">([\s\S]*?)<\/table>/.exec(html)![1]!
  const rows = table.split('<tr>').slice(2)
  expect(rows[0]).toContain('<span class="badge v-error">error</span>')
  expect(rows[0]).toContain(`<code>sessionConnectMs</code> p(95)&lt;500: <b class="bad">suite error</b>: ${suiteErrorReason}`)
  expect(rows[0]).toContain('<code>unackedOps</code> value==0: not measurable (acks): client y-websocket has no durable-write acks')
  expect(rows[1]).toContain('v-fail')
  expect(rows.at(-1)).toContain('v-not-measurable')
  expect(rows.at(-1)).toContain('skipped')
  expect(rows.slice(2, -1).every(r => r.includes('v-pass'))).toBe(true)
  expect(rows[1]).toContain('<code>propagationMs</code> p(95)&lt;10: measured <b>42.50 ms</b>')
  expect(rows[1]).toContain('<code>convergenceMs</code> value&lt;30000: measured <b>never</b>')
  expect(rows[1]).toContain('propagationMs p(95)&lt;10 breached: measured 42')
  expect(rows[1]).toContain('href="../../playwright-report/index.html#?testId=chromium-')
  expect(rows[1]).toContain('href="../../test-results/burst-chromium/trace.zip">trace</a>')
  expect(buildDashboard(syntheticSummary())).not.toContain('playwright-report')
})

test('a suite error has its own badge colour, is counted first, and reads apart from failures', () => {
  const html = buildDashboard(syntheticSummary())
  expect(html).toMatch(/\.v-error\{background:#8250df\}/)
  expect(html).toContain('<p class="counts"><span class="badge v-error">error</span> × 1 <span class="badge v-fail">fail</span> × 1 ')
  // The matrix lists the suite error's row first too.
  const matrix = /<table class="matrix">[\s\S]*?<tbody><tr><td>([^<]*)<\/td>/.exec(html)![1]!
  expect(matrix).toBe('sessions: many rooms')
  expect(sectionOf(html, 'browsers')).toContain('<td>tests (error / fail / invalid / not-measurable / pass)</td><td>0 / 1 / 0 / 0 / 2</td><td>1 / 0 / 0 / 0 / 2</td>')
})

test('Infinity reads "never", and a figure that is not measurable shows its capability and reason', () => {
  const html = buildDashboard(syntheticSummary())
  expect(html).not.toContain('Infinity')
  // Convergence table, per-browser worst, all-figures details.
  expect(sectionOf(html, 'convergence')).toMatch(/<td>burst &lt;\/script&gt;.*?<\/td><td>chromium<\/td><td>never<\/td>/)
  expect(sectionOf(html, 'browsers')).toContain('<td>convergence (worst test)</td><td>never</td><td>120 ms</td>')
  const details = sectionOf(html, 'details')
  expect(details).toContain('<code>convergenceMs</code></td><td>never</td>')
  expect(details).toContain('<td>not measurable (server-heap): target official has no heap-after-GC endpoint</td>')
  expect(details).toContain('<td>not measurable (acks): client y-websocket has no durable-write acks</td>')
  // One row per figure: a not-measurable figure recorded as null is not listed again as "not measured".
  expect(details).not.toContain('<code>unackedOps</code></td><td>not measured</td>')
  // Threshold rows: the suite's error and the not-measurable reason.
  expect(details).toContain(`<td><b class="bad">error</b></td><td><code>sessionConnectMs</code></td><td>p(95)&lt;500</td><td><b class="bad">suite error</b>: ${suiteErrorReason}</td>`)
  expect(details).toContain('<td>n/m</td><td><code>unackedOps</code></td><td>value==0</td><td>not measurable (acks): client y-websocket has no durable-write acks</td>')
  // Registered units in the details.
  expect(details).toContain('<td>146.5 KiB/min</td>')
  expect(details).toContain('<td>2.0 KiB/op</td>')
  expect(details).toContain('<td>12.50%</td>')
  expect(details).toContain('<code>opSuccessRate</code></td><td>0.99</td>')
})

test('OPFS is compared with IndexedDB, heap fits are drawn, per-browser headlines are merged', () => {
  const html = buildDashboard(syntheticSummary())
  const opfs = /<section id="opfs">([\s\S]*?)<\/section>/.exec(html)![1]!
  expect(opfs).toContain('<h3>chromium</h3>')
  expect(opfs).toContain('<td>write</td><td>100</td><td>one single-item call</td>')
  expect(opfs).toContain('×0.5 / ×0.5') // opfs-main p50 10 vs 20, p95 30 vs 60
  expect(opfs).toContain('×0.75 / ×0.55')
  expect(opfs).toContain('<td>read</td><td>100</td><td>one single-item call</td><td>—</td><td><span class="bad">not measurable (opfs): opfs-worker does not run in chromium: no Worker</span></td><td>4.00 / 8.00 ms <span class="tags">n=100</span></td><td>— / —</td>')
  const heap = chartsOf(html).find(c => c.title.startsWith('heap:'))!
  expect(heap.series.map(s => s.label)).toEqual(['heap.r1', 'heap.r1 fit', 'heap.r2', 'heap.r2 fit'])
  expect(heap.series[1]!.dash).toBe(true)
  // The fitted line of r1 rises by slope × span: 60 MB/min over 59 s.
  const fit = heap.data[2]!.filter((v): v is number => v !== null)
  expect(fit.at(-1)! - fit[0]!).toBeCloseTo(60e6 * 59 / 60, 0)
  expect(html).toContain('57.2 MiB/min')
  const browsers = /<section id="browsers">([\s\S]*?)<\/section>/.exec(html)![1]!
  const merged = new LatencyHistogram()
  for (const h of chromiumPropagation) merged.add(h)
  expect(browsers).toContain(`${merged.percentile(95).toFixed(merged.percentile(95) >= 100 ? 1 : 2)} ms`)
})

test('a baseline comparison shows deltas, worst first', () => {
  const summary = syntheticSummary()
  const baseline = createBaseline(summary)
  const entry = baseline.tests.find(t => t.project === 'firefox' && t.title.startsWith('baseline'))!
  entry.figures['ackMs.p95'] = entry.figures['ackMs.p95']! / 2 // now +100%: fail
  entry.figures.opSuccessRate = 0.99 / 0.7 // now −30%, and higher is better: warn
  entry.figures.opErrorRate = 0.02 // now 0.01: −50%, and lower is better: ok
  const html = buildDashboard(summary, { baseline })
  const section = sectionOf(html, 'baseline')
  expect(section).toContain('1 fail, 1 warn')
  expect(section).toMatch(/r-warn">warn<\/span><\/td><td>baseline: few replicas<\/td><td>firefox<\/td><td><code>opSuccessRate<\/code><\/td><td>higher \(rate\)<\/td><td>1.41<\/td><td>0.99<\/td><td>−30.00%<\/td>/)
  expect(section).toMatch(/r-ok">ok<\/span><\/td><td>baseline: few replicas<\/td><td>firefox<\/td><td><code>opErrorRate<\/code><\/td><td>lower \(rate\)<\/td><td>0.02<\/td><td>0.01<\/td><td>−50%<\/td>/)
  const failAt = section.indexOf('r-fail')
  const warnAt = section.indexOf('r-warn')
  expect(failAt).toBeGreaterThan(-1)
  expect(warnAt).toBeGreaterThan(failAt)
  expect(section).toContain('+100%')
  expect(section).toContain('−30.00%')
})

test('history trends: the preferred latencies, then every registered throughput and rate figure; counts and unregistered names are not drawn', () => {
  const lines = history()
  for (const line of lines) line.tests[0]!.figures.opsPerSec = 400 // a name from before the registry
  const titles = chartsOf(buildDashboard(syntheticSummary(), { history: lines })).map(c => c.title).filter(t => t.includes('across the last'))
  expect(titles).toEqual(['propagationMs.p95', 'ackMs.p95', 'convergenceMs', 'opErrorRate', 'opSuccessRate'].map(k => `${k} across the last 2 run(s)`))
  const trend = chartsOf(buildDashboard(syntheticSummary(), { history: lines })).find(c => c.title.startsWith('convergenceMs across'))! as Chart & { yUnit: string }
  expect(trend.yUnit).toBe('ms')
})
