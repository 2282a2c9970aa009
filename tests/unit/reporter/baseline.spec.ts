import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { test, expect } from '@playwright/test'
import {
  compareWithBaseline, createBaseline, defaultRegressionThresholds, headlineFigures, readBaseline,
  regressionStatus, regressionThresholds, writeBaseline
} from '../../../reporter/baseline.ts'
import { toJson } from '../../../metrics/test-metrics.ts'
import { hostileTitle, syntheticSummary } from './synthetic.ts'

const run = promisify(execFile)
const repo = path.resolve(import.meta.dirname, '../../..')

test('headline figures: the registered stack latencies, durations and rates (p50/p95/p99 of distributions), and the counts', () => {
  const [plain, stuck, , , soak, suiteError] = syntheticSummary().tests
  expect(Object.keys(headlineFigures(plain!)).sort()).toEqual([
    'ackMs.p50', 'ackMs.p95', 'ackMs.p99', 'convergenceMs', 'divergentReplicas', 'lostOps', 'opErrorRate', 'opSuccessRate',
    'phantomOps', 'propagationMs.p50', 'propagationMs.p95', 'propagationMs.p99'
  ])
  // convergenceMs is "never" (Infinity) there: left out, since baseline.json and history hold finite numbers only.
  expect(stuck!.title).toBe(hostileTitle)
  expect(headlineFigures(stuck!)).not.toHaveProperty('convergenceMs')
  expect(Object.values(headlineFigures(stuck!)).every(Number.isFinite)).toBe(true)
  // Sizes, percentages and bytes/min are not headline; every OPFS store latency and the resync time are.
  expect(Object.keys(headlineFigures(soak!)).sort()).toEqual([
    'opfs.indexeddb.read.100.item.p50', 'opfs.indexeddb.read.100.item.p95', 'opfs.indexeddb.read.100.item.p99',
    'opfs.indexeddb.write.100.item.p50', 'opfs.indexeddb.write.100.item.p95', 'opfs.indexeddb.write.100.item.p99',
    'opfs.opfs-main.write.100.item.p50', 'opfs.opfs-main.write.100.item.p95', 'opfs.opfs-main.write.100.item.p99',
    'opfs.opfs-worker.write.100.item.p50', 'opfs.opfs-worker.write.100.item.p95', 'opfs.opfs-worker.write.100.item.p99',
    'timeToResyncMs.p50', 'timeToResyncMs.p95', 'timeToResyncMs.p99'
  ])
  // Echoes of the run (sessions) and not-measurable figures are not headline.
  expect(headlineFigures(suiteError!)).toEqual({})
  // Names the registry does not know (runs from before it) are skipped, not guessed from a suffix.
  expect(headlineFigures({ ...plain!, figures: { opsPerSec: 400, resyncMs: 12, setupMsPerReplica: 30, lostOps: 0 } })).toEqual({ lostOps: 0 })
})

test('latency-like figures warn at 20% worse and fail at 50%, throughput-like ones at 20% and 40%, each in its direction', () => {
  const t = defaultRegressionThresholds
  const latency = { kind: 'latency', better: 'lower' } as const
  expect(regressionStatus(latency, 19.9, t)).toBe('ok')
  expect(regressionStatus(latency, 20, t)).toBe('warn')
  expect(regressionStatus(latency, 49.9, t)).toBe('warn')
  expect(regressionStatus(latency, 50, t)).toBe('fail')
  expect(regressionStatus(latency, -60, t)).toBe('ok')
  const successRate = { kind: 'rate', better: 'higher' } as const
  expect(regressionStatus(successRate, -19.9, t)).toBe('ok')
  expect(regressionStatus(successRate, -20, t)).toBe('warn')
  expect(regressionStatus(successRate, -40, t)).toBe('fail')
  expect(regressionStatus(successRate, 80, t)).toBe('ok')
  const errorRate = { kind: 'rate', better: 'lower' } as const
  expect(regressionStatus(errorRate, -90, t)).toBe('ok')
  expect(regressionStatus(errorRate, 20, t)).toBe('warn')
  expect(regressionStatus(errorRate, 40, t)).toBe('fail')
  const spread = { kind: 'duration', better: 'higher' } as const
  expect(regressionStatus(spread, 200, t)).toBe('ok')
  expect(regressionStatus(spread, -20, t)).toBe('warn')
  expect(regressionStatus(spread, -49.9, t)).toBe('warn')
  expect(regressionStatus(spread, -50, t)).toBe('fail')
})

/** The comparison of one figure of one test that moved from `before` (in the baseline) to `now`. */
const compareOne = (figure: string, before: number, now: number) => {
  const summary = syntheticSummary()
  summary.tests = [{ ...summary.tests[0]!, figures: { [figure]: now } }]
  const baseline = createBaseline(summary)
  baseline.tests[0]!.figures[figure] = before
  return compareWithBaseline(summary, baseline, defaultRegressionThresholds).items.find(i => i.figure === figure)
}

test('a figure regresses only when it got worse in its registered direction', () => {
  // opErrorRate: a rate, lower is better. Falling is an improvement, rising a regression.
  expect(compareOne('opErrorRate', 0.02, 0.01)).toMatchObject({ kind: 'rate', better: 'lower', deltaPct: -50, status: 'ok' })
  expect(compareOne('opErrorRate', 0.01, 0.02)).toMatchObject({ kind: 'rate', better: 'lower', deltaPct: 100, status: 'fail' })
  // opSuccessRate: a rate, higher is better. Falling is a regression.
  expect(compareOne('opSuccessRate', 1, 0.75)).toMatchObject({ kind: 'rate', better: 'higher', status: 'warn' })
  expect(compareOne('opSuccessRate', 1, 0.5)).toMatchObject({ kind: 'rate', better: 'higher', status: 'fail' })
  expect(compareOne('opSuccessRate', 0.5, 1)).toMatchObject({ status: 'ok' })
  // reconnectSpreadMs: a duration, higher is better (jittered retries). Falling is a regression, on the latency percentages.
  expect(compareOne('reconnectSpreadMs', 1000, 700)).toMatchObject({ kind: 'duration', better: 'higher', status: 'warn' })
  expect(compareOne('reconnectSpreadMs', 1000, 400)).toMatchObject({ kind: 'duration', better: 'higher', status: 'fail' })
  expect(compareOne('reconnectSpreadMs', 1000, 3000)).toMatchObject({ status: 'ok' })
  // convergenceMs: a duration, lower is better.
  expect(compareOne('convergenceMs', 100, 200)).toMatchObject({ kind: 'duration', better: 'lower', status: 'fail' })
  // Counts are never compared, and a baseline of 0 has no percentage.
  expect(compareOne('lostOps', 1, 50)).toBeUndefined()
  expect(compareOne('opErrorRate', 0, 0.5)).toBeUndefined()
})

test('a run is compared with the baseline figure by figure, per test × browser', () => {
  const summary = syntheticSummary()
  const baseline = createBaseline(summary)
  const firefox = baseline.tests.find(b => b.project === 'firefox' && b.title.startsWith('baseline'))!
  firefox.figures['propagationMs.p95'] = summary.tests[2]!.figures.propagationMs !== null && typeof summary.tests[2]!.figures.propagationMs === 'object' ? summary.tests[2]!.figures.propagationMs.p95 / 1.3 : 0
  firefox.figures.convergenceMs = 60 // now 120: +100%
  firefox.figures.opSuccessRate = 0.99 / 0.5 // now 0.99: −50%
  firefox.figures.lostOps = 99 // counts are never compared
  const r = compareWithBaseline(summary, baseline, defaultRegressionThresholds)
  expect(r.baselineRunId).toBe('run-1')
  const bad = r.items.filter(i => i.status !== 'ok').map(i => [i.project, i.figure, i.kind, i.better, i.status, Math.round(i.deltaPct)])
  expect(bad).toEqual([
    ['firefox', 'convergenceMs', 'duration', 'lower', 'fail', 100],
    ['firefox', 'opSuccessRate', 'rate', 'higher', 'fail', -50],
    ['firefox', 'propagationMs.p95', 'latency', 'lower', 'warn', 30]
  ])
  expect(r.items.some(i => i.figure === 'lostOps')).toBe(false)
  // The stuck chromium run (convergenceMs "never") is not compared on that figure.
  expect(r.items.some(i => i.title === hostileTitle && i.project === 'chromium' && i.figure === 'convergenceMs')).toBe(false)
  // The skipped webkit test and the suite error have no headline figures.
  expect(new Set(r.items.map(i => i.project))).toEqual(new Set(['chromium', 'firefox']))
})

test('thresholds come from the environment, and a bad value is one clear sentence', () => {
  expect(regressionThresholds({})).toEqual(defaultRegressionThresholds)
  expect(regressionThresholds({ STRESS_REGRESSION_WARN_PCT: '10', STRESS_REGRESSION_FAIL_PCT: '25.5' })).toMatchObject({ warnPct: 10, failPct: 25.5 })
  expect(() => regressionThresholds({ STRESS_REGRESSION_WARN_PCT: 'abc' })).toThrow('STRESS_REGRESSION_WARN_PCT must be a positive percentage such as 20; unset it to use the default.')
  expect(() => regressionThresholds({ STRESS_REGRESSION_FAIL_PCT: '-5' })).toThrow(/^STRESS_REGRESSION_FAIL_PCT must be a positive percentage/)
  expect(() => regressionThresholds({ STRESS_REGRESSION_WARN_PCT: '60' })).toThrow('STRESS_REGRESSION_WARN_PCT (60) must be below STRESS_REGRESSION_FAIL_PCT (50); raise the fail percentage or lower the warn one.')
  expect(() => regressionThresholds({ STRESS_REGRESSION_THROUGHPUT_WARN_PCT: '10', STRESS_REGRESSION_THROUGHPUT_FAIL_PCT: '100' })).toThrow(/must be below 100/)
})

test('baseline.json round-trips, and a broken one is refused with one sentence', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'syncstorm-baseline-'))
  try {
    const file = path.join(dir, 'baseline.json')
    expect(readBaseline(file)).toBeUndefined()
    const baseline = createBaseline(syntheticSummary())
    writeBaseline(file, baseline)
    expect(readBaseline(file)).toEqual(baseline)
    // Finite numbers only: a "never" figure of the run is not carried into baseline.json.
    expect(await fs.readFile(file, 'utf8')).not.toMatch(/never|null/)
    await fs.writeFile(file, '{"version":1}')
    expect(() => readBaseline(file)).toThrow(/is not a syncstorm baseline \(runId: .*\); delete it and run `npm run report:baseline` again\.$/)
    await fs.writeFile(file, '{nope')
    expect(() => readBaseline(file)).toThrow(/is not valid JSON/)
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
})

test('npm run report:baseline stores the latest run as reports/baseline.json', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'syncstorm-baseline-'))
  try {
    await fs.mkdir(path.join(dir, 'run-1'))
    // A version 2 summary, with "never" where a figure is Infinity.
    await fs.writeFile(path.join(dir, 'run-1', 'summary.json'), toJson(syntheticSummary()))
    await fs.symlink('run-1', path.join(dir, 'latest'))
    const env = { ...process.env, STRESS_REPORTS_DIR: dir }
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/report-baseline.mjs'], { cwd: repo, env })
    expect(stdout).toContain('now holds run run-1 (profile smoke')
    expect(readBaseline(path.join(dir, 'baseline.json'))).toMatchObject({ runId: 'run-1', profile: 'smoke' })
    await fs.writeFile(path.join(dir, 'run-1', 'summary.json'), '{"version":2}')
    const failed = await run(process.execPath, ['--import', 'tsx', 'scripts/report-baseline.mjs'], { cwd: repo, env }).catch((e: { stderr: string, code: number }) => e)
    expect('code' in failed && failed.code).toBe(1)
    expect((failed as { stderr: string }).stderr).toMatch(/is not a syncstorm summary \(run: .*\); pass the summary.json of a finished run\./)
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
})
