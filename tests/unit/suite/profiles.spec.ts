import { test, expect } from '@playwright/test'
import { thresholdsSchema, evaluateThresholds } from '../../../profiles/thresholds.ts'
import { resolveProfile } from '../../../profiles/index.ts'
import { buildSchedule } from '../../../workload/generator.ts'
import { LatencyHistogram } from '../../../metrics/histogram.ts'

test('threshold expressions parse, and bad ones fail with a clear sentence', () => {
  const parsed = thresholdsSchema.parse({ propagationMs: ['p(95)<500', 'max<=2000'], lostOps: ['value==0'] })
  expect(parsed.propagationMs[0]).toMatchObject({ aggregation: 'percentile', percentile: 95, operator: '<', limit: 500 })
  const bad = thresholdsSchema.safeParse({ ackMs: ['p95 < 2'] })
  expect(bad.success).toBe(false)
  expect(bad.error?.issues[0].message).toContain('is not of the form')
  const outOfRange = thresholdsSchema.safeParse({ ackMs: ['p(101)<2'] })
  expect(outOfRange.error?.issues[0].message).toContain('percentile 101')
})

test('thresholds are judged against histograms and numbers, and unmeasured figures are not passed', () => {
  const histogram = new LatencyHistogram()
  for (let i = 1; i <= 100; i++) histogram.record(i)
  const results = evaluateThresholds(thresholdsSchema.parse({ propagationMs: ['p(95)<90', 'p(50)<60'], lostOps: ['value==0'], ackMs: ['p(95)<10'] }), {
    propagationMs: { percentile: p => histogram.percentile(p), max: histogram.max, min: histogram.min, count: histogram.count },
    lostOps: 0,
    ackMs: { notMeasurable: 'no acks' }
  })
  expect(results.map(r => [r.figure, r.limit, r.ok])).toEqual([
    ['propagationMs', 'p(95)<90', false], ['propagationMs', 'p(50)<60', true], ['lostOps', 'value==0', true], ['ackMs', 'p(95)<10', false]
  ])
  expect(results[3].notMeasurable).toBe('no acks')
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
  expect(next.ops[0].op.opId).toBe('a:1000')
})

test('profile overrides are validated with one sentence naming the variable', () => {
  expect(() => resolveProfile({ STRESS_RATE: 'fast' })).toThrow(/^STRESS_RATE=fast is invalid: .*Fix or unset it\.$/)
  expect(() => resolveProfile({ STRESS_PROFILE: 'huge' })).toThrow('STRESS_PROFILE=huge is not a profile: use one of')
  const { profile, seed } = resolveProfile({ STRESS_RATE: '3', STRESS_SEED: '7' })
  expect(profile.scenarios.burst.ratePerReplica).toBe(3)
  expect(seed).toBe(7)
})
