import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { test, expect } from '@playwright/test'
import { summarySchema } from '../../../reporter/summary.ts'
import { createBaseline, writeBaseline } from '../../../reporter/baseline.ts'
import { readHistory } from '../../../reporter/history.ts'
import { toJson, type TestMetrics } from '../../../metrics/test-metrics.ts'
import { histogramOf } from './synthetic.ts'

const run = promisify(execFile)
const repo = path.resolve(import.meta.dirname, '../../..')
const cli = path.join(repo, 'node_modules/@playwright/test/cli.js')
const reporter = path.join(repo, 'reporter/index.ts')

/** A test that passed; its client never noticed a blackholed connection ("never"). */
const passed = (): TestMetrics => {
  const propagation = histogramOf(400, 3, 50)
  const s = propagation.summary()
  return {
    version: 2, scenario: 'synthetic', target: 'reference', client: 'reference', profile: 'smoke', seed: 7, verdict: 'pass', verdictReasons: [],
    figures: { propagationMs: { count: s.count, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max }, convergenceMs: 100, lostOps: 0, opSuccessRate: 1, halfOpenDetectMs: Number.POSITIVE_INFINITY },
    notMeasurable: {}, histograms: { propagationMs: propagation.encode() },
    thresholds: [], timeline: [{ t: 1, event: 'arrange' }],
    series: { 'heap.r1': [[0, 1e6], [1000, 2e6]] }, fits: { 'heap.r1': { slopePerMin: 6e7, ciLow: 5e7, ciHigh: 7e7 } }
  }
}

/** A test the suite could not judge: its scenario did not record a figure its thresholds name. */
const suiteError = (): TestMetrics => ({
  version: 2, scenario: 'synthetic', target: 'reference', client: 'reference', profile: 'smoke', seed: 7, verdict: 'error',
  verdictReasons: ['scenario synthetic did not record ackMs'],
  figures: {}, notMeasurable: {}, histograms: {},
  thresholds: [{ figure: 'ackMs', limit: 'p(95)<100', value: null, ok: false, error: 'scenario synthetic did not record ackMs' }],
  timeline: []
})

// A tiny project the real Playwright runner executes with the real reporter:
// each test attaches a metrics.json; CommonJS so that NODE_PATH finds @playwright/test.
const spec = (passedFile: string, suiteErrorFile: string): string => `
const { test } = require('@playwright/test')
test('writes <b>fast</b>', async ({}, testInfo) => {
  await testInfo.attach('metrics.json', { path: ${JSON.stringify(passedFile)}, contentType: 'application/json' })
})
test('cannot be judged', async ({}, testInfo) => {
  await testInfo.attach('metrics.json', { path: ${JSON.stringify(suiteErrorFile)}, contentType: 'application/json' })
})
test('never judged', async () => {})
test('written by another version', async ({}, testInfo) => {
  await testInfo.attach('metrics.json', { body: JSON.stringify({ version: 1, verdict: 'pass' }), contentType: 'application/json' })
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
    await fs.writeFile(path.join(dir, 'passed.json'), toJson(passed()))
    await fs.writeFile(path.join(dir, 'error.json'), toJson(suiteError()))
    await fs.writeFile(path.join(dir, 'a.spec.cjs'), spec(path.join(dir, 'passed.json'), path.join(dir, 'error.json')))
    await fs.writeFile(path.join(dir, 'run.config.cjs'), `module.exports = { testDir: '.', testMatch: '*.spec.cjs', reporter: [['blob', { outputDir: 'blob' }], [${JSON.stringify(reporter)}, { outputDir: 'reports' }]] }`)
    await fs.writeFile(path.join(dir, 'merge.config.cjs'), `module.exports = { testDir: '.', reporter: [['html', { outputFolder: 'html-report', open: 'never' }], [${JSON.stringify(reporter)}, { outputDir: 'reports' }]] }`)

    const live = await playwright(['test', '-c', 'run.config.cjs'], dir)
    expect(live.stdout).toContain('syncstorm: dashboard at reports/')
    // The suite error is counted apart from failed verdicts.
    // A test that passed without a record, or with one this reporter cannot read, is a suite error too, never a pass.
    expect(live.stdout).toContain('syncstorm: 4 test(s), 0 failed verdict(s), 3 suite error(s) (the suite could not judge the stack')
    const [first] = await fs.readdir(reports)
    const summaryText = await fs.readFile(path.join(reports, first!, 'summary.json'), 'utf8')
    expect(summaryText).toContain('"halfOpenDetectMs": "never"')
    const summary = summarySchema.parse(JSON.parse(summaryText))
    expect(summary.version).toBe(2)
    // Sorted by verdict: the suite error first, though it ran second.
    expect(summary.tests.map(t => [t.title, t.verdict])).toEqual([['cannot be judged', 'error'], ['never judged', 'error'], ['written by another version', 'error'], ['writes <b>fast</b>', 'pass']])
    expect(summary.tests[0]!.thresholds[0]).toMatchObject({ figure: 'ackMs', error: 'scenario synthetic did not record ackMs' })
    expect(summary.tests[1]!.verdictReasons[0]).toMatch(/^the test passed without judging anything: it attached no metrics\.json/)
    expect(summary.tests[2]!.verdictReasons[0]).toMatch(/^the test's record cannot be read: its metrics\.json does not match this reporter's schema \(version: /)
    const fast = summary.tests[3]!
    expect(fast).toMatchObject({ title: 'writes <b>fast</b>', verdict: 'pass', fits: { 'heap.r1': { slopePerMin: 6e7 } } })
    expect(fast.figures.halfOpenDetectMs).toBe(Number.POSITIVE_INFINITY)
    expect(fast.testId).toMatch(/\w+/)
    expect(fast.series?.['heap.r1']).toHaveLength(2)
    expect(summary.regressions).toBeUndefined()
    const liveHtml = await fs.readFile(path.join(reports, first!, 'index.html'), 'utf8')
    expect(liveHtml).toContain('writes &lt;b&gt;fast&lt;/b&gt;')
    expect(liveHtml).toMatch(/<section id="heap-[^"]+"><h2>Heap over time<\/h2>/)
    expect(liveHtml).toContain('<code>halfOpenDetectMs</code></td><td>never</td>')
    expect(liveHtml).toContain('<span class="badge v-error">error</span>')
    expect(liveHtml).not.toContain('playwright-report') // no html reporter in that run: no report links

    // The next run is slower than the baseline: propagation p95 ×2 → fail.
    const baseline = createBaseline(summary)
    expect(baseline.tests.map(t => t.title)).toEqual(['writes <b>fast</b>']) // the suite error has no headline figures
    baseline.tests[0]!.figures['propagationMs.p95']! /= 2
    writeBaseline(path.join(reports, 'baseline.json'), baseline)
    const merged = await playwright(['merge-reports', '-c', 'merge.config.cjs', 'blob'], dir)
    expect(merged.stdout).toContain('syncstorm: dashboard at reports/')
    expect(merged.stdout).toMatch(/syncstorm: regression .*propagationMs\.p95 .*\(\+100\.0%\)/)
    const second = (await fs.readdir(reports)).filter(n => n !== first && /^\d{4}-/.test(n))
    expect(second).toHaveLength(1)
    const mergedSummary = summarySchema.parse(JSON.parse(await fs.readFile(path.join(reports, second[0]!, 'summary.json'), 'utf8')))
    expect(mergedSummary.run.startedAt).toBe(summary.run.startedAt) // the run's time, not the merge's
    const mergedFast = mergedSummary.tests.find(t => t.title === 'writes <b>fast</b>')!
    expect(mergedFast).toMatchObject({ verdict: 'pass', histograms: fast.histograms })
    expect(mergedSummary.regressions?.items.find(i => i.figure === 'propagationMs.p95')).toMatchObject({ status: 'fail', deltaPct: 100 })
    const mergedHtml = await fs.readFile(path.join(reports, second[0]!, 'index.html'), 'utf8')
    expect(mergedHtml).toContain(`href="../../html-report/index.html#?testId=${mergedFast.testId}"`)
    expect(mergedHtml).toContain('<span class="badge r-fail">fail</span>')
    expect(readHistory(path.join(reports, 'history.jsonl'), 10).map(h => h.runId)).toEqual([first, second[0]])
    expect(await fs.readlink(path.join(reports, 'latest'))).toBe(second[0])
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
})
