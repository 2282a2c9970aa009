import { test, expect } from '@playwright/test'
import { bootstrapSlopeCi, slopeVerdict, theilSen, thinByMedians, type Point } from '../../../metrics/leak.ts'
import { mulberry32 } from '../../../workload/prng.ts'

const options = { resamples: 500, confidence: 0.95, seed: 7, warmupSamples: 2, minSamples: 5, threshold: 1_000 }

/** A heap series: base + slope·x plus seeded noise of ±noise, and an optional outlier. */
const series = (n: number, slope: number, noise: number, seed = 1): Point[] => {
  const random = mulberry32(seed)
  return Array.from({ length: n }, (_, i) => [i, 5_000_000 + slope * i + (random() * 2 - 1) * noise] as Point)
}

test('theilSen recovers an exact line and ignores a single wild point', () => {
  const line: Point[] = Array.from({ length: 10 }, (_, i) => [i, 3 * i + 2])
  expect(theilSen(line)).toEqual({ slope: 3, intercept: 2 })
  line[4] = [4, 1e9]
  expect(theilSen(line)?.slope).toBe(3)
})

test('theilSen needs two distinct x values', () => {
  expect(theilSen([])).toBeUndefined()
  expect(theilSen([[1, 5], [1, 9]])).toBeUndefined()
})

test('the bootstrap interval is seeded and contains the true slope', () => {
  const points = series(30, 5_000, 20_000)
  const a = bootstrapSlopeCi(points, options)
  const b = bootstrapSlopeCi(points, options)
  expect(a).toEqual(b)
  expect(a![0]).toBeLessThan(5_000)
  expect(a![1]).toBeGreaterThan(5_000)
})

test('a steady climb above the threshold is a leak; a flat noisy series is not', () => {
  const leaking = slopeVerdict(series(14, 50_000, 20_000), options)
  expect(leaking?.leak).toBe(true)
  expect(leaking?.samples).toBe(12)
  const flat = slopeVerdict(series(14, 0, 200_000, 3), options)
  expect(flat?.leak).toBe(false)
  expect(flat!.ciLow).toBeLessThan(options.threshold)
})

test('growth below the threshold is not a leak', () => {
  expect(slopeVerdict(series(20, 500, 50, 4), options)?.leak).toBe(false)
})

test('warm-up samples are dropped before fitting', () => {
  // A steep start (page load) followed by a flat line: only the flat part counts.
  const points: Point[] = [[0, 0], [1, 4_000_000], ...Array.from({ length: 10 }, (_, i) => [i + 2, 5_000_000] as Point)]
  expect(slopeVerdict(points, options)?.slope).toBe(0)
  expect(slopeVerdict(points, { ...options, warmupSamples: 0 })?.slope).toBeGreaterThanOrEqual(0)
})

test('too few samples after the warm-up give no verdict', () => {
  expect(slopeVerdict(series(6, 50_000, 0), options)).toBeUndefined()
})

test('long series are thinned to bucket medians', () => {
  const points = series(1_000, 10, 0)
  const thinned = thinByMedians(points, 100)
  expect(thinned).toHaveLength(100)
  expect(theilSen(thinned)?.slope).toBeCloseTo(10, 6)
  expect(thinByMedians(points.slice(0, 50), 100)).toHaveLength(50)
})
