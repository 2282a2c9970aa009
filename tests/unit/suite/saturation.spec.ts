import { test, expect } from '@playwright/test'
import { saturation, stalls } from '../../../metrics/saturation.ts'
import type { HealthSample } from '../../../metrics/generator-health.ts'
import { generatorRuleSchema } from '../../../profiles/schema.ts'
import { resolveProfile } from '../../../profiles/index.ts'

const rule = generatorRuleSchema.parse({ maxLoopLagMs: 200, maxCpuPct: 95, maxRoundTripMs: 500, sustainedMs: 2_000, sampleEveryMs: 500 })
const sample = (t: number, over: Partial<HealthSample> = {}): HealthSample => ({ t, cpuPct: 40, memUsedBytes: 1, loopLagP99Ms: 5, roundTripMs: 3, ...over })
const series = (from: number, count: number, over: (i: number) => Partial<HealthSample>): HealthSample[] =>
  Array.from({ length: count }, (_, i) => sample(from + i * 500, over(i)))

test('sustained loop lag inside a measured phase is saturation, named with its peak', () => {
  const samples = series(0, 20, i => i >= 4 && i < 10 ? { loopLagP99Ms: 900 } : {})
  const result = saturation(samples, [{ from: 0, to: 10_000 }], rule)
  expect(result.saturated).toBe(true)
  expect(result.longestMs).toBe(3_000)
  expect(result.reason).toMatch(/saturated for 3\.0 s .*runner event-loop lag p99 up to 900 ms \(limit 200 ms\)/)
})

test('a load worker\'s loop (@sessions, lag samples only) is judged by the same rule and named', () => {
  const lagged = series(0, 20, i => i >= 4 && i < 10 ? { loopLagP99Ms: 900, cpuPct: 0 } : { cpuPct: 0 })
  expect(saturation(lagged, [{ from: 0, to: 10_000 }], rule, 10_000, 'load worker node-w1').reason).toMatch(/load worker node-w1 event-loop lag p99 up to 900 ms \(limit 200 ms\)/)
  expect(saturation(series(0, 20, () => ({ cpuPct: 0 })), [{ from: 0, to: 10_000 }], rule, 10_000, 'load worker node-w1').saturated).toBe(false)
})

test('one long block of the loop, during which no sample could be taken, counts in full', () => {
  // Samples every 500 ms, then none for 2.5 s: the sample after the block saw a 2,500 ms lag.
  const samples = [...series(0, 4, () => ({})), sample(4_000, { loopLagP99Ms: 2_500 }), ...series(4_500, 4, () => ({}))]
  const result = saturation(samples, [{ from: 0, to: 10_000 }], rule)
  expect(result.saturated).toBe(true)
  expect(result.longestMs).toBe(2_500)
})

test('CPU and browser round-trip count too; each bound is named', () => {
  const cpu = saturation(series(0, 10, () => ({ cpuPct: 99 })), [{ from: 0 }], rule, 10_000)
  expect(cpu.reason).toContain('host CPU up to 99% (limit 95%)')
  // A saturated CPU is the machine's limit: the verdict says where the rest of the run can go.
  expect(cpu.reason).toMatch(/its CPU is the limit, .*STRESS_BROWSER_ENDPOINTS.*Sharding across CI machines/)
  const rtt = saturation(series(0, 10, () => ({ roundTripMs: 2_000 })), [{ from: 0, to: 5_000 }], rule)
  expect(rtt.reason).toContain('browser round-trip up to 2000 ms (limit 500 ms)')
})

test('short spikes, and saturation outside the measured phase, do not count', () => {
  const spikes = series(0, 20, i => i % 3 === 0 ? { loopLagP99Ms: 900, cpuPct: 100 } : {})
  expect(saturation(spikes, [{ from: 0, to: 10_000 }], rule).saturated).toBe(false)
  const setup = series(0, 20, i => i < 10 ? { cpuPct: 100 } : {})
  expect(saturation(setup, [{ from: 5_000, to: 10_000 }], rule).saturated).toBe(false)
  expect(saturation(setup, [], rule)).toEqual({ saturated: false, longestMs: 0 })
  // A run does not continue across two measured phases.
  const split = series(0, 20, () => ({ loopLagP99Ms: 900 }))
  expect(saturation(split, [{ from: 0, to: 1_000 }, { from: 6_000, to: 7_000 }], rule).saturated).toBe(false)
})

test('STRESS_GENERATOR_CHECK turns the rule off or on, and a bad value is one sentence', async () => {
  expect((await resolveProfile({})).profile.generator.enabled).toBe(true)
  expect((await resolveProfile({ STRESS_GENERATOR_CHECK: 'off', STRESS_PROFILE: 'heavy' })).profile.generator).toMatchObject({ enabled: false, maxLoopLagMs: 250 })
  await expect(resolveProfile({ STRESS_GENERATOR_CHECK: 'no' })).rejects.toThrow(/^STRESS_GENERATOR_CHECK=no is invalid: .*Fix or unset it\.$/)
})

test('stalls of a loop that carries deliveries count by their share of a measured phase, sustained or not', () => {
  // One 400 ms stall in a 10 s phase: 4%, over the 1% default; the sustained rule does not see it.
  const one = [...series(0, 8, () => ({})), sample(4_000, { loopLagP99Ms: 400 }), ...series(4_500, 11, () => ({}))]
  expect(saturation(one, [{ from: 0, to: 10_000 }], rule).saturated).toBe(false)
  const result = stalls(one, [{ from: 0, to: 10_000 }], rule, '2 Node replica(s)')
  expect(result.saturated).toBe(true)
  expect(result.longestMs).toBe(400)
  expect(result.reason).toMatch(/^the runner event loop stalled over 200 ms for 400 ms of a 10\.0 s measured phase \(4\.0%, limit 1\.0%; longest 400 ms, from 00:00:03\), and 2 Node replica\(s\) waited on it/)
  // Under the bound, outside a measured phase, or a share within the limit: no verdict.
  expect(stalls(series(0, 20, () => ({ loopLagP99Ms: 150 })), [{ from: 0, to: 10_000 }], rule, 'x').saturated).toBe(false)
  expect(stalls(one, [{ from: 5_000, to: 10_000 }], rule, 'x').saturated).toBe(false)
  expect(stalls(one, [{ from: 0, to: 10_000 }], { ...rule, maxStalledShare: 0.05 }, 'x')).toEqual({ saturated: false, longestMs: 400 })
})
