/**
 * Propagation p95 over time, for the dashboard's per-scenario chart: the
 * (op, observer) samples of oracle/spike.ts grouped into fixed windows by when
 * the op was invoked, each window's nearest-rank p95. Windows are 1 s, longer
 * for long runs so that a series never has more than `maxWindows` points.
 * Pure: samples in, `[tMs, p95Ms]` points out (t is the window's middle).
 *
 * @module oracle/propagation-over-time
 */
import type { PropagationSample } from './spike.ts'

/** Most points one series holds: a days-long soak still writes a small summary.json. */
export const maxWindows = 300
const minWindowMs = 1_000

/**
 * @param {PropagationSample[]} samples every (op, observer) sample of the test
 * @return {Array<[number, number]>} one point per non-empty window, oldest first; [] without samples
 */
export const propagationP95OverTime = (samples: PropagationSample[]): Array<[number, number]> => {
  if (samples.length === 0) return []
  let first = Infinity
  let last = -Infinity
  for (const s of samples) {
    first = Math.min(first, s.invokedAt)
    last = Math.max(last, s.invokedAt)
  }
  const windowMs = Math.max(minWindowMs, Math.ceil((last - first + 1) / maxWindows / minWindowMs) * minWindowMs)
  const byWindow = new Map<number, number[]>()
  for (const s of samples) {
    const index = Math.floor((s.invokedAt - first) / windowMs)
    const values = byWindow.get(index)
    if (values === undefined) byWindow.set(index, [s.ms])
    else values.push(s.ms)
  }
  return [...byWindow.keys()].sort((a, b) => a - b).map(index => {
    const sorted = byWindow.get(index)!.sort((a, b) => a - b)
    return [first + index * windowMs + windowMs / 2, sorted[Math.max(0, Math.ceil(sorted.length * 0.95) - 1)]!]
  })
}
