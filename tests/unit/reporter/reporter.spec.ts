import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { test, expect } from '@playwright/test'
import { summarySchema } from '../../../reporter/summary.ts'
import { createBaseline, writeBaseline } from '../../../reporter/baseline.ts'
import { readHistory } from '../../../reporter/history.ts'
import type { TestMetrics } from '../../../metrics/test-metrics.ts'
import { histogramOf } from './synthetic.ts'

const run = promisify(execFile)
const repo = path.resolve(import.meta.dirname, '../../..')
const cli = path.join(repo, 'node_modules/@playwright/test/cli.js')
const reporter = path.join(repo, 'reporter/index.ts')

const metrics = (verdict: TestMetrics['verdict']): TestMetrics => {
  const propagation = histogramOf(400, 3, 50)
  const s = propagation.summary()
  return {
    version: 1, scenario: 'synthetic', target: 'reference', client: 'reference', profile: 'smoke', seed: 7, verdict, verdictReasons: [],
    figures: { propagationMs: { count: s.count, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max }, convergenceMs: 100, lostOps: 0, opsPerSec: 50 },
    notMeasurable: {}, histograms: { propagationMs: propagation.encode() },
    thresholds: [], timeline: [{ t: 1, event: 'arrange' }],
    series: { 'heap.r1': [[0, 1e6], [1000, 2e6]] }, fits: { 'heap.r1': { slopePerMin: 6e7, ciLow: 5e7, ciHigh: 7e7 } }
  }
}

// A tiny project the real Playwright runner executes with the real reporter:
// one test attaches metrics.json; CommonJS so that NODE_PATH finds @playwright/test.
const spec = (metricsFile: string): string => `
const { test } = require('@playwright/test')
test('writes <b>fast</b>', async ({}, testInfo) => {
  await testInfo.attach('metrics.json', { path: ${JSON.stringify(metricsFile)}, contentType: 'application/json' })
})
`

const playwright = (args: string[], cwd: string) =>
  run(process.execPath, [cli, ...args], { cwd, env: { ...process.env, NODE_PATH: path.join(repo, 'node_modules'), PLAYWRIGHT_HTML_OPEN: 'never', CI: '' } })
    .catch((e: { stdout: string, stderr: string, code: number }) => e)

test('a run and a merge of its blob report each write summary.json, the dashboard and a history line, and compare with the baseline', async () => {
  test.setTimeout(120_000)
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'syncstorm-reporter-'))
  try {
    const reports = path.join(dir, 'reports')
    await fs.writeFile(path.join(dir, 'metrics.json'), JSON.stringify(metrics('pass')))
    await fs.writeFile(path.join(dir, 'a.spec.cjs'), spec(path.join(dir, 'metrics.json')))
    await fs.writeFile(path.join(dir, 'run.config.cjs'), `module.exports = { testDir: '.', testMatch: '*.spec.cjs', reporter: [['blob', { outputDir: 'blob' }], [${JSON.stringify(reporter)}, { outputDir: 'reports' }]] }`)
    await fs.writeFile(path.join(dir, 'merge.config.cjs'), `module.exports = { testDir: '.', reporter: [['html', { outputFolder: 'html-report', open: 'never' }], [${JSON.stringify(reporter)}, { outputDir: 'reports' }]] }`)

    const live = await playwright(['test', '-c', 'run.config.cjs'], dir)
    expect(live.stdout).toContain('syncstorm: dashboard at reports/')
    const [first] = await fs.readdir(reports)
    const summary = summarySchema.parse(JSON.parse(await fs.readFile(path.join(reports, first!, 'summary.json'), 'utf8')))
    expect(summary.tests[0]).toMatchObject({ title: 'writes <b>fast</b>', verdict: 'pass', fits: { 'heap.r1': { slopePerMin: 6e7 } } })
    expect(summary.tests[0]!.testId).toMatch(/\w+/)
    expect(summary.tests[0]!.series?.['heap.r1']).toHaveLength(2)
    expect(summary.regressions).toBeUndefined()
    const liveHtml = await fs.readFile(path.join(reports, first!, 'index.html'), 'utf8')
    expect(liveHtml).toContain('writes &lt;b&gt;fast&lt;/b&gt;')
    expect(liveHtml).toContain('<section id="heap">')
    expect(liveHtml).not.toContain('playwright-report') // no html reporter in that run: no report links

    // The next run is slower than the baseline: propagation p95 ×2 → fail.
    const baseline = createBaseline(summary)
    baseline.tests[0]!.figures['propagationMs.p95']! /= 2
    writeBaseline(path.join(reports, 'baseline.json'), baseline)
    const merged = await playwright(['merge-reports', '-c', 'merge.config.cjs', 'blob'], dir)
    expect(merged.stdout).toContain('syncstorm: dashboard at reports/')
    expect(merged.stdout).toMatch(/syncstorm: regression .*propagationMs\.p95 .*\(\+100\.0%\)/)
    const second = (await fs.readdir(reports)).filter(n => n !== first && /^\d{4}-/.test(n))
    expect(second).toHaveLength(1)
    const mergedSummary = summarySchema.parse(JSON.parse(await fs.readFile(path.join(reports, second[0]!, 'summary.json'), 'utf8')))
    expect(mergedSummary.run.startedAt).toBe(summary.run.startedAt) // the run's time, not the merge's
    expect(mergedSummary.tests[0]).toMatchObject({ title: 'writes <b>fast</b>', verdict: 'pass', histograms: summary.tests[0]!.histograms })
    expect(mergedSummary.regressions?.items.find(i => i.figure === 'propagationMs.p95')).toMatchObject({ status: 'fail', deltaPct: 100 })
    const mergedHtml = await fs.readFile(path.join(reports, second[0]!, 'index.html'), 'utf8')
    expect(mergedHtml).toContain(`href="../../html-report/index.html#?testId=${mergedSummary.tests[0]!.testId}"`)
    expect(mergedHtml).toContain('<span class="badge r-fail">fail</span>')
    expect(readHistory(path.join(reports, 'history.jsonl'), 10).map(h => h.runId)).toEqual([first, second[0]])
    expect(await fs.readlink(path.join(reports, 'latest'))).toBe(second[0])
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
})
