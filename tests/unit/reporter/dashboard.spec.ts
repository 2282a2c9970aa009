import { test, expect } from '@playwright/test'
import { buildDashboard } from '../../../reporter/dashboard/build.ts'
import { createBaseline } from '../../../reporter/baseline.ts'
import { historyLine, type HistoryLine } from '../../../reporter/history.ts'
import { summarySchema } from '../../../reporter/summary.ts'
import { LatencyHistogram } from '../../../metrics/histogram.ts'
import { chromiumPropagation, hostileTitle, syntheticSummary } from './synthetic.ts'

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

test('the synthetic summary is a valid summary.json', () => {
  expect(summarySchema.safeParse(syntheticSummary()).success).toBe(true)
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
  expect(/<section id="convergence">[\s\S]*resyncMs: percentile distribution/.test(html)).toBe(true)
})

test('the verdict table lists failures first and tests that never ran last, with the breached threshold, reasons and links', () => {
  const html = buildDashboard(syntheticSummary(), { playwrightReportDir: '../../playwright-report' })
  const table = /<table class="verdicts">([\s\S]*?)<\/table>/.exec(html)![1]!
  const rows = table.split('<tr>').slice(2)
  expect(rows[0]).toContain('v-fail')
  expect(rows.at(-1)).toContain('v-not-measurable')
  expect(rows.at(-1)).toContain('skipped')
  expect(rows.slice(1, -1).every(r => r.includes('v-pass'))).toBe(true)
  expect(rows[0]).toContain('<code>propagationMs</code> p(95)&lt;10: measured <b>42.50 ms</b>')
  expect(rows[0]).toContain('propagationMs p(95)&lt;10 breached: measured 42')
  expect(rows[0]).toContain('href="../../playwright-report/index.html#?testId=chromium-')
  expect(rows[0]).toContain('href="../../test-results/burst-chromium/trace.zip">trace</a>')
  expect(buildDashboard(syntheticSummary())).not.toContain('playwright-report')
})

test('OPFS is compared with IndexedDB, heap fits are drawn, per-browser headlines are merged', () => {
  const html = buildDashboard(syntheticSummary())
  const opfs = /<section id="opfs">([\s\S]*?)<\/section>/.exec(html)![1]!
  expect(opfs).toContain('<h3>chromium</h3>')
  expect(opfs).toContain('<td>write</td><td>100</td><td>one single-item call</td>')
  expect(opfs).toContain('×0.5 / ×0.5') // opfs-main p50 10 vs 20, p95 30 vs 60
  expect(opfs).toContain('×0.75 / ×0.55')
  expect(opfs).toContain('<td>read</td><td>100</td><td>one single-item call</td><td>—</td><td><span class="bad">not measurable</span>: opfs-worker does not run in chromium: no Worker</td><td>4.00 / 8.00 ms <span class="tags">n=100</span></td><td>— / —</td>')
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
  entry.figures.opsPerSec = 400 / 0.7 // now −30%: warn
  const html = buildDashboard(summary, { baseline })
  const section = /<section id="baseline">([\s\S]*?)<\/section>/.exec(html)![1]!
  expect(section).toContain('1 fail, 1 warn')
  const failAt = section.indexOf('r-fail')
  const warnAt = section.indexOf('r-warn')
  expect(failAt).toBeGreaterThan(-1)
  expect(warnAt).toBeGreaterThan(failAt)
  expect(section).toContain('+100%')
  expect(section).toContain('−30.00%')
})
