/**
 * Two shards, merged with `npx playwright merge-reports` and the syncstorm
 * reporter, give the same figures as one unsharded run, and the merged
 * percentiles equal those computed from the raw samples (DESIGN §4: merged
 * exactly, never averaged).
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { test, expect } from '@playwright/test'
import { summarySchema, type Summary } from '../../../reporter/summary.ts'
import { mergeByProject } from '../../../reporter/dashboard/charts.ts'
import { LatencyHistogram } from '../../../metrics/histogram.ts'
import type { TestMetrics } from '../../../metrics/test-metrics.ts'

const run = promisify(execFile)
const repo = path.resolve(import.meta.dirname, '../../..')
const cli = path.join(repo, 'node_modules/@playwright/test/cli.js')
const reporter = path.join(repo, 'reporter/index.ts')

/** Two different raw distributions, one per test (and so one per shard). */
const samples = (seed: number, n: number, scaleMs: number): number[] => {
  let x = seed
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31
    return scaleMs * (x / 2 ** 31) ** 2 + 0.2
  })
}
const raw = { a: samples(11, 3000, 40), b: samples(97, 5000, 400) }

const metricsOf = (values: number[]): TestMetrics => {
  const histogram = new LatencyHistogram()
  for (const v of values) histogram.record(v)
  const s = histogram.summary()
  return {
    version: 2, scenario: 'shard', target: 'reference', client: 'reference', profile: 'smoke', seed: 1, verdict: 'pass', verdictReasons: [],
    figures: { propagationMs: { count: s.count, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max } },
    notMeasurable: {}, histograms: { propagationMs: histogram.encode() }, thresholds: [], timeline: []
  }
}

const spec = (dir: string): string => ['a', 'b'].map(name => `
const { test: test_${name} } = require('@playwright/test')
test_${name}('scenario ${name}', async ({}, testInfo) => {
  await testInfo.attach('metrics.json', { path: ${JSON.stringify(path.join(dir, `${name}.json`))}, contentType: 'application/json' })
})`).join('\n')

const playwright = async (args: string[], cwd: string): Promise<string> => {
  const { stdout } = await run(process.execPath, [cli, ...args], { cwd, env: { ...process.env, NODE_PATH: path.join(repo, 'node_modules'), CI: '' } })
  return stdout
}

const latestSummary = async (reportsDir: string): Promise<Summary> =>
  summarySchema.parse(JSON.parse(await fs.readFile(path.join(reportsDir, 'latest', 'summary.json'), 'utf8')))

/** Exact percentile of raw samples, nearest-rank. */
const rawPercentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.max(0, Math.ceil(p / 100 * sorted.length) - 1)]
}

test('two shards merged with merge-reports give the unsharded figures and the raw-data percentiles', async () => {
  test.setTimeout(180_000)
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'syncstorm-shards-'))
  try {
    await fs.writeFile(path.join(dir, 'a.json'), JSON.stringify(metricsOf(raw.a)))
    await fs.writeFile(path.join(dir, 'b.json'), JSON.stringify(metricsOf(raw.b)))
    await fs.writeFile(path.join(dir, 'shard.spec.cjs'), spec(dir))
    const config = (reporters: string): string => `module.exports = { testDir: '.', testMatch: '*.spec.cjs', fullyParallel: true, reporter: ${reporters} }`
    await fs.writeFile(path.join(dir, 'shard1.config.cjs'), config(`[['blob', { outputDir: 'blob-1' }]]`))
    await fs.writeFile(path.join(dir, 'shard2.config.cjs'), config(`[['blob', { outputDir: 'blob-2' }]]`))
    await fs.writeFile(path.join(dir, 'whole.config.cjs'), config(`[[${JSON.stringify(reporter)}, { outputDir: 'reports-whole' }]]`))
    await fs.writeFile(path.join(dir, 'merge.config.cjs'), `module.exports = { testDir: '.', reporter: [[${JSON.stringify(reporter)}, { outputDir: 'reports-merged' }]] }`)

    await playwright(['test', '-c', 'shard1.config.cjs', '--shard=1/2'], dir)
    await playwright(['test', '-c', 'shard2.config.cjs', '--shard=2/2'], dir)
    await fs.mkdir(path.join(dir, 'all-blobs'))
    for (const shard of ['blob-1', 'blob-2']) {
      for (const file of await fs.readdir(path.join(dir, shard))) await fs.copyFile(path.join(dir, shard, file), path.join(dir, 'all-blobs', `${shard}-${file}`))
    }
    expect(await fs.readdir(path.join(dir, 'all-blobs'))).toHaveLength(2)
    await playwright(['merge-reports', '-c', 'merge.config.cjs', 'all-blobs'], dir)
    await playwright(['test', '-c', 'whole.config.cjs'], dir)

    const merged = await latestSummary(path.join(dir, 'reports-merged'))
    const whole = await latestSummary(path.join(dir, 'reports-whole'))
    expect(merged.tests.map(t => t.title).sort()).toEqual(['scenario a', 'scenario b'])
    // The same tests carry the same raw histograms, sharded or not.
    const byTitle = (s: Summary) => Object.fromEntries(s.tests.map(t => [t.title, t.histograms.propagationMs]))
    expect(byTitle(merged)).toEqual(byTitle(whole))

    // The dashboard's per-browser merge equals one histogram of all raw samples...
    const mergedHistogram = [...mergeByProject(merged.tests, 'propagationMs').values()][0]
    const allRaw = new LatencyHistogram()
    for (const v of [...raw.a, ...raw.b]) allRaw.record(v)
    expect(mergedHistogram.summary()).toEqual(allRaw.summary())
    expect(mergedHistogram.count).toBe(raw.a.length + raw.b.length)
    // ...and matches the exact raw percentiles within HDR's 3 significant digits.
    for (const p of [50, 95, 99]) {
      const exact = rawPercentile([...raw.a, ...raw.b], p)
      expect(Math.abs(mergedHistogram.percentile(p) - exact) / exact).toBeLessThan(0.002)
    }
    // Averaging the two shards' p95 would be wrong: it is far from the true p95.
    const averaged = (merged.tests[0].figures.propagationMs as { p95: number }).p95 / 2 + (merged.tests[1].figures.propagationMs as { p95: number }).p95 / 2
    expect(Math.abs(averaged - rawPercentile([...raw.a, ...raw.b], 95)) / rawPercentile([...raw.a, ...raw.b], 95)).toBeGreaterThan(0.05)
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
})
