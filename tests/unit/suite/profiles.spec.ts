/**
 * Profiles and thresholds: k6-style expressions keyed by registered figures,
 * judged against what a test recorded. A typo, a threshold that cannot fail,
 * and a figure a scenario never recorded must never pass.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { test, expect } from '@playwright/test'
import { evaluateThresholds, thresholdsSchema, type FigureValue, type Recorded } from '../../../profiles/thresholds.ts'
import { resolveProfile } from '../../../profiles/index.ts'
import { buildSchedule } from '../../../workload/generator.ts'
import { LatencyHistogram } from '../../../metrics/histogram.ts'
import { figureSpec, figureSpecs, closestFigure } from '../../../metrics/registry.ts'
import { measuredNumberSchema, toJson } from '../../../metrics/test-metrics.ts'

const repo = path.resolve(import.meta.dirname, '../../..')

const distribution = (h: LatencyHistogram): Exclude<FigureValue, number> => ({ percentile: p => h.percentile(p), max: h.max, min: h.min, count: h.count })
const recorded = (over: Partial<Recorded>): Recorded => ({ values: new Map(), distributions: new Map(), notMeasurable: new Map(), unrecorded: new Map(), ...over })
const tags = { browser: 'chromium', client: 'reference' }

test('threshold expressions parse, and bad ones fail with a clear sentence', () => {
  const parsed = thresholdsSchema.parse({ propagationMs: ['p(95)<500', 'max<=2000'], lostOps: ['value==0'], opSuccessRate: ['rate>0.99'] })
  expect(parsed.propagationMs![0]).toMatchObject({ aggregation: 'percentile', percentile: 95, operator: '<', limit: 500 })
  const bad = thresholdsSchema.safeParse({ ackMs: ['p95 < 2'] })
  expect(bad.error?.issues[0]?.message).toContain('is not of the form')
  expect(thresholdsSchema.safeParse({ ackMs: ['p(101)<2'] }).error?.issues[0]?.message).toContain('percentile 101')
})

test('a misspelt figure fails the profile with the closest registered name', () => {
  const typo = thresholdsSchema.safeParse({ propagatoinMs: ['p(95)<100'] })
  expect(typo.success).toBe(false)
  expect(typo.error?.issues[0]?.path).toEqual(['propagatoinMs'])
  expect(typo.error?.issues[0]?.message).toBe('no figure named propagatoinMs is registered; did you mean propagationMs? (every figure is listed in metrics/registry.ts)')
  expect(closestFigure('lostOp')).toBe('lostOps')
  expect(closestFigure('timeToResync')).toBe('timeToResyncMs')
})

test('thresholds that cannot fail, or cannot be aggregated, are refused when the profile is parsed', () => {
  const message = (thresholds: Record<string, string[]>): string | undefined => thresholdsSchema.safeParse(thresholds).error?.issues[0]?.message
  expect(message({ churnLeaves: ['value>=3'] })).toMatch(/^churnLeaves only describes the run .* a threshold on it cannot fail/)
  expect(message({ generatorCpuPctMax: ['value<90'] })).toMatch(/measures the generator, not the stack; bound it with the profile's `generator` rule/)
  expect(message({ convergenceMs: ['p(95)<5000'] })).toBe('convergenceMs is a single value, not a distribution: write "p(95)<5000" as "value<5000"')
  expect(message({ propagationMs: ['value<100'] })).toBe('propagationMs is a distribution: write "value<100" as p(N), max, min or count, e.g. "p(95)<100"')
  expect(message({ 'propagationMs{browser:firefox}': ['p(95)<100'] })).toBeUndefined()
  expect(message({ 'propagationMs{engine:firefox}': ['p(95)<100'] })).toMatch(/has the tag filter "engine:firefox": use browser:<name> or client:<name>/)
  expect(message({ 'opfs.opfs-worker.write.10.batch': ['p(50)<5'], 'opfs.indexeddb.read.1000.item.ratioToIndexedDB.p95': ['value<2'] })).toBeUndefined()
})

test('the registry: every stack figure says which direction is better, and families match by pattern', () => {
  expect(figureSpecs.length).toBeGreaterThan(80)
  expect(figureSpecs.filter(s => s.role === 'stack' && s.better === undefined)).toEqual([])
  expect(figureSpec('opErrorRate')).toMatchObject({ kind: 'rate', better: 'lower' })
  expect(figureSpec('reconnectSpreadMs')).toMatchObject({ better: 'higher' })
  expect(figureSpec('opfs.opfs-main.write.10.batch')).toMatchObject({ shape: 'histogram', requires: ['opfs'] })
  expect(figureSpec('clockOffsetMs.gpu1')).toMatchObject({ role: 'run' })
  expect(figureSpec('opfs.sqlite')).toBeUndefined()
})

test('thresholds are judged against distributions and values; a figure never recorded is an error, never a pass', () => {
  const histogram = new LatencyHistogram()
  for (let i = 1; i <= 100; i++) histogram.record(i)
  const thresholds = thresholdsSchema.parse({ propagationMs: ['p(95)<90', 'p(50)<60'], lostOps: ['value==0'], ackMs: ['p(95)<10'], timeToResyncMs: ['p(95)<5000'], coldLoadMs: ['p(95)<5000'], spikeRecoveryMs: ['value<3000'] })
  const results = evaluateThresholds(thresholds, recorded({
    values: new Map([['lostOps', 0], ['spikeRecoveryMs', Number.POSITIVE_INFINITY]]),
    distributions: new Map([['propagationMs', distribution(histogram)], ['coldLoadMs', distribution(new LatencyHistogram())]]),
    notMeasurable: new Map([['ackMs', 'client y-websocket has no durable-write acks']]),
    unrecorded: new Map([['spikeRecoveryMs', 'never used: it was recorded']])
  }), tags, 'baseline')
  expect(results.map(r => [r.figure, r.limit, r.ok])).toEqual([
    ['propagationMs', 'p(95)<90', false], ['propagationMs', 'p(50)<60', true], ['lostOps', 'value==0', true], ['ackMs', 'p(95)<10', false],
    ['timeToResyncMs', 'p(95)<5000', false], ['coldLoadMs', 'p(95)<5000', false], ['spikeRecoveryMs', 'value<3000', false]
  ])
  expect(results[3]).toMatchObject({ notMeasurable: 'client y-websocket has no durable-write acks' })
  expect(results[4]).toMatchObject({ error: 'scenario baseline did not record timeToResyncMs' })
  expect(results[5]).toMatchObject({ error: 'scenario baseline recorded no samples of coldLoadMs' })
  expect(results[6]).toMatchObject({ value: Number.POSITIVE_INFINITY, ok: false })
  // Why a figure is missing joins the error, when the scenario said.
  const why = evaluateThresholds(thresholdsSchema.parse({ clientLeaks: ['value==0'] }), recorded({ unrecorded: new Map([['clientLeaks', 'too few page heap samples for a leak verdict (2)']]) }), tags, 'soak')
  expect(why[0]).toMatchObject({ error: 'scenario soak did not record clientLeaks: too few page heap samples for a leak verdict (2)' })
})

test('a tag filter narrows a threshold to one browser or client', () => {
  const thresholds = thresholdsSchema.parse({ 'lostOps{browser:firefox}': ['value==0'], 'lostOps{client:y-websocket}': ['value==1'], lostOps: ['value<=1'] })
  const results = evaluateThresholds(thresholds, recorded({ values: new Map([['lostOps', 1]]) }), tags, 'baseline')
  expect(results.map(r => [r.figure, r.ok])).toEqual([['lostOps', true]])
  const firefox = evaluateThresholds(thresholds, recorded({ values: new Map([['lostOps', 1]]) }), { ...tags, browser: 'firefox' }, 'baseline')
  expect(firefox.map(r => [r.figure, r.ok])).toEqual([['lostOps{browser:firefox}', false], ['lostOps', true]])
})

test('"never" survives JSON: Infinity is written as "never" and read back as Infinity', () => {
  const text = toJson({ spikeRecoveryMs: Number.POSITIVE_INFINITY, lostOps: 0 })
  expect(text).toBe('{"spikeRecoveryMs":"never","lostOps":0}')
  expect(measuredNumberSchema.parse(JSON.parse(text).spikeRecoveryMs)).toBe(Number.POSITIVE_INFINITY)
  expect(measuredNumberSchema.safeParse('soon').success).toBe(false)
})

test('histograms merge exactly', () => {
  const a = new LatencyHistogram()
  const b = new LatencyHistogram()
  const all = new LatencyHistogram()
  for (let i = 0; i < 1000; i++) {
    const v = (i * 37) % 500 + 0.5
    ;(i % 2 === 0 ? a : b).record(v)
    all.record(v)
  }
  const merged = LatencyHistogram.decode(a.encode())
  merged.add(LatencyHistogram.decode(b.encode()))
  expect(merged.summary()).toEqual(all.summary())
})

test('the same seed gives the same schedule, with unique op ids and the default mix', () => {
  const plan = { seed: 42, ratePerReplica: 50, durationMs: 10_000 }
  const one = buildSchedule(plan, ['a', 'b'], 0)
  const two = buildSchedule(plan, ['a', 'b'], 0)
  expect(one).toEqual(two)
  const ids = one.ops.map(o => o.op.opId)
  expect(new Set(ids).size).toBe(ids.length)
  const creates = one.ops.filter(o => o.op.kind === 'create').length / one.ops.length
  expect(creates).toBeGreaterThan(0.3)
  expect(creates).toBeLessThan(0.5)
  const next = buildSchedule(plan, ['a'], 0, new Map([['a', 1000]]))
  expect(next.ops[0]!.op.opId).toBe('a:1000')
})

test('profile overrides are validated with one sentence naming the variable', async () => {
  await expect(resolveProfile({ STRESS_RATE: 'fast' })).rejects.toThrow(/^STRESS_RATE=fast is invalid: .*Fix or unset it\.$/)
  await expect(resolveProfile({ STRESS_PROFILE: 'huge' })).rejects.toThrow('STRESS_PROFILE=huge is not a profile: use one of')
  const { profile, seed } = await resolveProfile({ STRESS_RATE: '3', STRESS_SEED: '7' })
  expect(profile.scenarios.burst.ratePerReplica).toBe(3)
  expect(seed).toBe(7)
})

test('a profile of the user\'s own: a module deriving from smoke, or a plain object; the same schemas check both', async () => {
  // Inside the repository, as a user's profile is: its package.json makes .ts files ES modules.
  const dir = await fs.mkdtemp(path.join(repo, '.profile-test-'))
  try {
    const derived = path.join(dir, 'mine.ts')
    await fs.writeFile(derived, `import { derive, smoke } from ${JSON.stringify(path.join(repo, 'profiles/index.ts'))}
export default derive(smoke, {
  name: 'mine', description: 'tighter propagation',
  scenarios: { baseline: { durationMs: 20_000, thresholds: { lostOps: ['value==0'], 'propagationMs{browser:chromium}': ['p(95)<100'] } } }
})
`)
    const mine = (await resolveProfile({ STRESS_PROFILE: derived })).profile
    expect(mine.name).toBe('mine')
    expect(mine.scenarios.baseline.durationMs).toBe(20_000)
    // Thresholds merge key by key: smoke's stay, the new tagged one joins them.
    expect(Object.keys(mine.scenarios.baseline.thresholds)).toEqual(expect.arrayContaining(['lostOps', 'propagationMs', 'propagationMs{browser:chromium}']))
    expect(mine.scenarios.conflict.sharedTodos).toBe(3)

    const plain = path.join(dir, 'plain.mjs')
    const smokeObject = (await import(path.join(repo, 'profiles/smoke.ts'))).smoke as { scenarios: { burst: { ratePerReplica: number } } }
    smokeObject.scenarios.burst.ratePerReplica = 7
    await fs.writeFile(plain, `export default ${JSON.stringify({ ...smokeObject, name: 'plain' })}\n`)
    expect((await resolveProfile({ STRESS_PROFILE: plain })).profile.scenarios.burst.ratePerReplica).toBe(7)

    const typo = path.join(dir, 'typo.mjs')
    await fs.writeFile(typo, `export default ${JSON.stringify({ ...smokeObject, name: 'typo', scenarios: { ...smokeObject.scenarios, baseline: { ...(smokeObject.scenarios as Record<string, object>).baseline, thresholds: { propagatoinMs: ['p(95)<100'] } } } })}\n`)
    await expect(resolveProfile({ STRESS_PROFILE: typo })).rejects.toThrow(`profile ${typo} is invalid: scenarios.baseline.thresholds.propagatoinMs: no figure named propagatoinMs is registered; did you mean propagationMs? (every figure is listed in metrics/registry.ts).`)

    const misspeltSetting = path.join(dir, 'setting.mjs')
    await fs.writeFile(misspeltSetting, `export default ${JSON.stringify({ ...smokeObject, name: 'setting', scenarios: { ...smokeObject.scenarios, burst: { ...(smokeObject.scenarios as Record<string, object>).burst, durationMS: 9 } } })}\n`)
    await expect(resolveProfile({ STRESS_PROFILE: misspeltSetting })).rejects.toThrow(/^profile .*setting\.mjs is invalid: scenarios\.burst: Unrecognized key: "durationMS"/)

    await expect(resolveProfile({ STRESS_PROFILE: path.join(dir, 'absent.ts') })).rejects.toThrow(/^STRESS_PROFILE=.*absent\.ts: could not load .*; point it at a module whose default export is a profile/)
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
})

test('a spike recovery threshold that cannot fail in its window is refused', async () => {
  // Inside the repository, as a user's profile is: its package.json makes .ts files ES modules.
  const dir = await fs.mkdtemp(path.join(repo, '.profile-test-'))
  try {
    const file = path.join(dir, 'spike.ts')
    await fs.writeFile(file, `import { derive, smoke } from ${JSON.stringify(path.join(repo, 'profiles/index.ts'))}
export default derive(smoke, { name: 'spike', description: 'x', scenarios: { spike: { thresholds: { spikeRecoveryMs: ['value<30000'] } } } })
`)
    await expect(resolveProfile({ STRESS_PROFILE: file })).rejects.toThrow(/scenarios\.spike\.thresholds\.spikeRecoveryMs: spikeRecoveryMs "value<30000" can never fail: recovery is only measured in the 5000 ms after the spike/)
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
})
