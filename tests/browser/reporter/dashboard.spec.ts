import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page, TestInfo } from '@playwright/test'
import { test, expect } from '../../../fixtures/base.ts'
import { buildDashboard } from '../../../reporter/dashboard/build.ts'
import { createBaseline } from '../../../reporter/baseline.ts'
import { historyLine } from '../../../reporter/history.ts'
import { LatencyHistogram } from '../../../metrics/histogram.ts'
import { syntheticSummary } from '../../unit/reporter/synthetic.ts'

/**
 * Writes `html` to a fresh temp dir, opens it over file://, and checks that
 * it fetched nothing, logged no error, and drew ink on every chart's canvas.
 * @return {number} how many charts it drew
 */
const openFromDisk = async (page: Page, html: string, testInfo: TestInfo, shotName: string): Promise<number> => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'syncstorm-dashboard-'))
  try {
    const file = path.join(dir, 'index.html')
    await fs.writeFile(file, html)
    const problems: string[] = []
    page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`) })
    page.on('pageerror', e => problems.push(`pageerror: ${e.message}`))
    page.on('request', r => { if (!/^(file|data):/.test(r.url())) problems.push(`request: ${r.url()}`) })
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.goto(pathToFileURL(file).href)
    await page.waitForLoadState('load')

    const count = await page.locator('div.chart').count()
    await expect(page.locator('div.chart .uplot canvas')).toHaveCount(count)
    // Each canvas has a size and drawn pixels (a blank canvas has none).
    const drawn = await page.locator('div.chart .uplot canvas').evaluateAll(canvases => canvases.map(c => {
      const canvas = c as HTMLCanvasElement
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
      let inked = 0
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked++
      return { width: canvas.width, height: canvas.height, inked }
    }))
    for (const c of drawn) {
      expect(c.width).toBeGreaterThan(0)
      expect(c.height).toBeGreaterThan(0)
      expect(c.inked).toBeGreaterThan(100)
    }
    expect(problems).toEqual([])
    const shot = testInfo.outputPath(shotName)
    await page.screenshot({ path: shot, fullPage: true })
    await testInfo.attach(shotName, { path: shot, contentType: 'image/png' })
    return count
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}

test.beforeEach(({ browserName }) => {
  test.skip(browserName !== 'chromium', 'the dashboard is checked in one browser; uPlot itself is cross-browser')
})

test('the dashboard opens from disk, fetches nothing, and draws every chart without console errors', async ({ page }, testInfo) => {
  const summary = syntheticSummary()
  const baseline = createBaseline(summary)
  for (const t of baseline.tests) if (t.figures['ackMs.p95'] !== undefined) t.figures['ackMs.p95'] *= 0.75
  const first = historyLine(summary)
  const history = [0, 1, 2].map(i => ({
    ...first,
    runId: `run-${i}`,
    time: new Date(Date.parse(first.time) + i * 86_400_000).toISOString(),
    tests: first.tests.map(t => ({ ...t, figures: Object.fromEntries(Object.entries(t.figures).map(([k, v]) => [k, v * (1 + i / 10)])) }))
  }))
  const count = await openFromDisk(page, buildDashboard(summary, { baseline, history, playwrightReportDir: '../../playwright-report' }), testInfo, 'dashboard.png')
  // 3 percentile charts (propagation, ack, resync), 1 heap, 2 server metrics, 5 trends (propagation p95, ack p95, convergence, the two rates).
  expect(count).toBe(11)
  // The suite error first, in its own colour; then the failure.
  const rows = page.locator('table.verdicts tbody tr')
  await expect(rows.first()).toContainText('sessions: many rooms')
  await expect(rows.first().locator('.badge')).toHaveText('error')
  await expect(rows.first().locator('.badge')).toHaveCSS('background-color', 'rgb(130, 80, 223)')
  await expect(rows.nth(1)).toContainText('burst </script><img src=x onerror=alert(1)>')
  await expect(rows.nth(1)).toContainText('value<30000: measured never')
  await expect(page.locator('#browsers tr', { hasText: 'convergence (worst test)' }).locator('td').nth(1)).toHaveText('never')
  expect(await page.locator('img').count()).toBe(0)
})

test('degenerate data still draws: one sample, only zeros, single-point series', async ({ page }, testInfo) => {
  const summary = syntheticSummary()
  const zeros = new LatencyHistogram()
  zeros.record(0)
  zeros.record(-5) // clamped to 0
  const one = new LatencyHistogram()
  one.record(7)
  summary.tests = summary.tests.map((t, i) => ({ ...t, histograms: i === 0 ? { propagationMs: zeros.encode(), ackMs: one.encode() } : {} as Record<string, string> }))
  const soak = summary.tests.find(t => t.title.startsWith('soak'))!
  soak.series = { 'heap.r1': [[0, 5e6]], 'server.connections': [[0, 1], [1000, 1]] }
  soak.fits = { 'heap.r1': { slopePerMin: 0, ciLow: 0, ciHigh: 0 } }
  expect(await openFromDisk(page, buildDashboard(summary), testInfo, 'degenerate.png')).toBe(4)
})
