import { test, expect } from '@playwright/test'
import { maxWindows, propagationP95OverTime } from '../../../oracle/propagation-over-time.ts'

test('one point per 1 s window of invoke times, at the window middle, with the nearest-rank p95', () => {
  // Window 0: 20 samples 1..20 ms (p95 = 19); window 1 empty; window 2: one 500 ms sample.
  const samples = [
    ...Array.from({ length: 20 }, (_, i) => ({ invokedAt: 10_000 + i * 10, ms: i + 1 })),
    { invokedAt: 12_500, ms: 500 }
  ]
  expect(propagationP95OverTime(samples)).toEqual([[10_500, 19], [12_500, 500]])
  expect(propagationP95OverTime([])).toEqual([])
})

test('a long run gets longer windows, never more than maxWindows points', () => {
  const day = 86_400_000
  const samples = Array.from({ length: 10_000 }, (_, i) => ({ invokedAt: i * (day / 10_000), ms: 5 }))
  const points = propagationP95OverTime(samples)
  expect(points.length).toBeLessThanOrEqual(maxWindows)
  expect(points.length).toBeGreaterThan(maxWindows / 2)
})
