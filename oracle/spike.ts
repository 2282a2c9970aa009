/**
 * Spike recovery (DESIGN §4), from replica histories: propagation samples are
 * grouped into fixed windows by when the op was invoked, each window gets its
 * p95; the baseline is the p95 of everything invoked before the spike, and the
 * recovery time is how long after the spike ended the first window starts
 * whose p95 is back within `tolerance` × baseline. Pure: samples in, figures out.
 *
 * @module oracle/spike
 */
import type { ReplicaStats } from '../client/harness/api.ts'

/** One (op, observer) propagation: when the op was invoked and how long it took to be visible. */
export interface PropagationSample { invokedAt: number, ms: number }

export interface SpikeWindow {
  /** Window start (epoch ms); windows are aligned to the end of the spike. */
  startAt: number
  p95Ms: number
  count: number
}

export interface SpikeTimes {
  spikeStartAt: number
  spikeEndAt: number
}

export interface SpikeOptions {
  /** Window length; 1 s by default. */
  windowMs?: number
  /** A window has recovered when its p95 ≤ tolerance × baseline; 1.5 by default. */
  tolerance?: number
  /** Noise floor on loopback: the recovery limit is never below this; 0 by default. */
  minLimitMs?: number
  /** Windows with fewer samples are not judged; 1 by default. */
  minSamples?: number
}

export interface SpikeRecovery {
  /** p95 of samples invoked before the spike; null without any. */
  baselineP95Ms: number | null
  /** The p95 a window must be at or under to count as recovered. */
  limitMs: number | null
  /** Highest window p95 from the spike start on. */
  peakP95Ms: number
  /** Every non-empty window, oldest first. */
  windows: SpikeWindow[]
  /** From the end of the spike to the start of the first recovered window; null if none recovered. */
  recoveryMs: number | null
}

/** Nearest-rank p95 of a non-empty list. */
const p95 = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(sorted.length * 0.95) - 1)]
}

/**
 * Propagation samples with the rule of oracle/figures.ts: an observer counts
 * only for ops invoked after it first synced (earlier ones came by its initial load).
 * @param {ReplicaStats[]} stats every replica of the run
 */
export const propagationSamples = (stats: ReplicaStats[]): PropagationSample[] => {
  const invokedAt = new Map<string, number>()
  for (const replica of stats) {
    for (const record of replica.history) if (record.kind !== 'read') invokedAt.set(record.opId, record.invokedAt)
  }
  const samples: PropagationSample[] = []
  for (const replica of stats) {
    const joinedAt = replica.connection.find(e => e.state === 'synced')?.t ?? Infinity
    for (const [opId, seenAt] of Object.entries(replica.seen)) {
      const invoked = invokedAt.get(opId)
      if (invoked !== undefined && invoked >= joinedAt) samples.push({ invokedAt: invoked, ms: seenAt - invoked })
    }
  }
  return samples
}

/**
 * @param {PropagationSample[]} samples
 * @param {SpikeTimes} times when the spike started and ended (epoch ms)
 * @param {SpikeOptions} options
 * @return {SpikeRecovery}
 */
export const spikeRecovery = (samples: PropagationSample[], times: SpikeTimes, options: SpikeOptions = {}): SpikeRecovery => {
  const { windowMs = 1_000, tolerance = 1.5, minLimitMs = 0, minSamples = 1 } = options
  const before = samples.filter(s => s.invokedAt < times.spikeStartAt).map(s => s.ms)
  const baselineP95Ms = before.length === 0 ? null : p95(before)
  const limitMs = baselineP95Ms === null ? null : Math.max(baselineP95Ms * tolerance, minLimitMs)

  const byWindow = new Map<number, number[]>()
  for (const sample of samples) {
    const index = Math.floor((sample.invokedAt - times.spikeEndAt) / windowMs)
    byWindow.set(index, [...(byWindow.get(index) ?? []), sample.ms])
  }
  const indexes = [...byWindow.keys()].sort((a, b) => a - b)
  const windows = indexes.map(index => {
    const values = byWindow.get(index) as number[]
    return { index, startAt: times.spikeEndAt + index * windowMs, p95Ms: p95(values), count: values.length }
  })
  const peakP95Ms = Math.max(0, ...windows.filter(w => w.startAt + windowMs > times.spikeStartAt).map(w => w.p95Ms))
  const recovered = limitMs === null ? undefined : windows.find(w => w.index >= 0 && w.count >= minSamples && w.p95Ms <= limitMs)
  return {
    baselineP95Ms,
    limitMs,
    peakP95Ms,
    windows: windows.map(({ startAt, p95Ms, count }) => ({ startAt, p95Ms, count })),
    recoveryMs: recovered === undefined ? null : recovered.startAt - times.spikeEndAt
  }
}
