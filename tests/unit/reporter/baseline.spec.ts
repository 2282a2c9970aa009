import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { test, expect } from '@playwright/test'
import {
  compareWithBaseline, createBaseline, defaultRegressionThresholds, figureKind, headlineFigures, readBaseline,
  regressionStatus, regressionThresholds, writeBaseline
} from '../../../reporter/baseline.ts'
import { syntheticSummary } from './synthetic.ts'

const run = promisify(execFile)
const repo = path.resolve(import.meta.dirname, '../../..')

test('figures are judged as latency or throughput by their names', () => {
  expect(figureKind('propagationMs.p95')).toBe('latency')
  expect(figureKind('convergenceMs')).toBe('latency')
  expect(figureKind('opsPerSec')).toBe('throughput')
  expect(figureKind('opSuccessRate')).toBe('throughput')
  expect(figureKind('lostOps')).toBeNull()
  expect(figureKind('setupMsPerReplica')).toBeNull()
})

test('headline figures: p50/p95/p99 of latency distributions, latency and throughput numbers, and the counts', () => {
  const figures = headlineFigures(syntheticSummary().tests[0]!)
  expect(Object.keys(figures).sort()).toEqual([
    'ackMs.p50', 'ackMs.p95', 'ackMs.p99', 'convergenceMs', 'divergentReplicas', 'lostOps', 'opSuccessRate', 'opsPerSec',
    'phantomOps', 'propagationMs.p50', 'propagationMs.p95', 'propagationMs.p99'
  ])
})

test('latency warns at +20% and fails at +50%; throughput warns at −20% and fails at −40%', () => {
  const t = defaultRegressionThresholds
  expect(regressionStatus('latency', 19.9, t)).toBe('ok')
  expect(regressionStatus('latency', 20, t)).toBe('warn')
  expect(regressionStatus('latency', 49.9, t)).toBe('warn')
  expect(regressionStatus('latency', 50, t)).toBe('fail')
  expect(regressionStatus('latency', -60, t)).toBe('ok')
  expect(regressionStatus('throughput', -19.9, t)).toBe('ok')
  expect(regressionStatus('throughput', -20, t)).toBe('warn')
  expect(regressionStatus('throughput', -40, t)).toBe('fail')
  expect(regressionStatus('throughput', 80, t)).toBe('ok')
})

test('a run is compared with the baseline figure by figure, per test × browser', () => {
  const summary = syntheticSummary()
  const baseline = createBaseline(summary)
  const firefox = baseline.tests.find(b => b.project === 'firefox' && b.title.startsWith('baseline'))!
  firefox.figures['propagationMs.p95'] = summary.tests[2]!.figures.propagationMs !== null && typeof summary.tests[2]!.figures.propagationMs === 'object' ? summary.tests[2]!.figures.propagationMs.p95 / 1.3 : 0
  firefox.figures.convergenceMs = 60 // now 120: +100%
  firefox.figures.opsPerSec = 800 // now 400: −50%
  firefox.figures.lostOps = 99 // counts are never compared
  const r = compareWithBaseline(summary, baseline, defaultRegressionThresholds)
  expect(r.baselineRunId).toBe('run-1')
  const bad = r.items.filter(i => i.status !== 'ok').map(i => [i.project, i.figure, i.status, Math.round(i.deltaPct)])
  expect(bad).toEqual([
    ['firefox', 'convergenceMs', 'fail', 100],
    ['firefox', 'opsPerSec', 'fail', -50],
    ['firefox', 'propagationMs.p95', 'warn', 30]
  ])
  expect(r.items.some(i => i.figure === 'lostOps')).toBe(false)
  // The skipped webkit test and the soak test have no baseline-comparable headline figures here.
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
    await fs.writeFile(path.join(dir, 'run-1', 'summary.json'), JSON.stringify(syntheticSummary()))
    await fs.symlink('run-1', path.join(dir, 'latest'))
    const env = { ...process.env, STRESS_REPORTS_DIR: dir }
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/report-baseline.mjs'], { cwd: repo, env })
    expect(stdout).toContain('now holds run run-1 (profile smoke')
    expect(readBaseline(path.join(dir, 'baseline.json'))).toMatchObject({ runId: 'run-1', profile: 'smoke' })
    await fs.writeFile(path.join(dir, 'run-1', 'summary.json'), '{"version":1}')
    const failed = await run(process.execPath, ['--import', 'tsx', 'scripts/report-baseline.mjs'], { cwd: repo, env }).catch((e: { stderr: string, code: number }) => e)
    expect('code' in failed && failed.code).toBe(1)
    expect((failed as { stderr: string }).stderr).toMatch(/is not a syncstorm summary \(run: .*\); pass the summary.json of a finished run\./)
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
})
