/**
 * The generator-saturation rule (DESIGN §4 generator health), pure: given
 * the runner's health samples, the measured phases and the profile's bounds,
 * was the generator saturated long enough that the figures measure the
 * generator rather than the target? Only samples inside a measured phase
 * count: setting up a swarm may pin the CPU without spoiling a figure.
 *
 * @module metrics/saturation
 */
import type { HealthSample } from './generator-health.ts'
import { beyondOneMachine } from './capacity.ts'
import type { GeneratorRule } from '../profiles/schema.ts'

/** A measured phase, epoch ms; `to` undefined while it is still running. */
export interface MeasuredWindow { from: number, to?: number }

export interface Saturation {
  saturated: boolean
  /** Longest run of consecutive over-limit samples inside a measured phase, ms. */
  longestMs: number
  /** One sentence naming the bounds that were exceeded and by how much; absent when not saturated. */
  reason?: string
}

const overBounds = (s: HealthSample, rule: GeneratorRule): string[] => {
  const over: string[] = []
  if (s.loopLagP99Ms > rule.maxLoopLagMs) over.push('loop')
  if (s.cpuPct > rule.maxCpuPct) over.push('cpu')
  if (s.roundTripMs !== undefined && s.roundTripMs > rule.maxRoundTripMs) over.push('rtt')
  return over
}

const clock = (t: number): string => new Date(t).toISOString().slice(11, 19)

const windowFinder = (windows: MeasuredWindow[], now: number) => (t: number): number => windows.findIndex(w => t >= w.from && t <= (w.to ?? now))

// A sample that saw a loop lag of L ms ends a stall of about L ms (no longer than the gap since the
// previous sample): one long block, during which no sample could be taken, counts in full.
const stallOf = (samples: HealthSample[]) => (i: number): number => Math.min(samples[i].loopLagP99Ms, i === 0 ? Infinity : samples[i].t - samples[i - 1].t)

/**
 * The sustained rule: any bound exceeded for `sustainedMs` in a row, within one measured phase.
 * @param {HealthSample[]} samples in time order
 * @param {MeasuredWindow[]} windows the measured phases
 * @param {GeneratorRule} rule bounds, how long they must be exceeded, and the sampling period
 * @param {number} now end of a window still open
 * @param {string} loop whose event loop the lag samples are (`runner`, or a load worker)
 * @return {Saturation}
 */
export const saturation = (samples: HealthSample[], windows: MeasuredWindow[], rule: GeneratorRule, now = Date.now(), loop = 'runner'): Saturation =>
  sustainedSaturation(samples, windowFinder(windows, now), stallOf(samples), rule, loop)

/**
 * The stall rule, for a loop that carries deliveries (Node replicas receive them in it, a proxy
 * relays them through it): its stalls over the lag bound hold those deliveries back, sustained or
 * not. Stalls covering more than `maxStalledShare` of a measured phase can be its tail percentiles.
 * Stalls only ever make latencies worse, so the recorder applies this to a latency breach only.
 * @param {string} carries what waits on the loop's stalls, for the reason
 * @return {Saturation} `longestMs` is the longest stall
 */
export const stalls = (samples: HealthSample[], windows: MeasuredWindow[], rule: GeneratorRule, carries: string, now = Date.now(), loop = 'runner'): Saturation => {
  const worst = worstStalledShare(samples, windows, windowFinder(windows, now), stallOf(samples), rule, now)
  if (worst === undefined) return { saturated: false, longestMs: 0 }
  if (worst.share <= rule.maxStalledShare) return { saturated: false, longestMs: worst.longestMs }
  return {
    saturated: true,
    longestMs: worst.longestMs,
    reason: `the ${loop} event loop stalled over ${rule.maxLoopLagMs} ms for ${worst.stalledMs.toFixed(0)} ms of a ${(worst.phaseMs / 1000).toFixed(1)} s measured phase (${(100 * worst.share).toFixed(1)}%, limit ${(100 * rule.maxStalledShare).toFixed(1)}%; longest ${worst.longestMs.toFixed(0)} ms, from ${clock(worst.from)}), and ${carries} waited on it: the tail latencies measure this machine, not the target; lower the run's size or ${beyondOneMachine}`
  }
}

interface StalledShare { share: number, stalledMs: number, phaseMs: number, longestMs: number, from: number }

/** The measured phase whose loop stalls (samples over the lag bound) cover the largest share of it. */
const worstStalledShare = (samples: HealthSample[], windows: MeasuredWindow[], windowOf: (t: number) => number, stallMs: (i: number) => number, rule: GeneratorRule, now: number): StalledShare | undefined => {
  let worst: StalledShare | undefined
  for (const [w, window] of windows.entries()) {
    const phaseMs = (window.to ?? now) - window.from
    const stalled = samples.flatMap((sample, i) => windowOf(sample.t) === w && sample.loopLagP99Ms > rule.maxLoopLagMs ? [{ t: sample.t, ms: stallMs(i) }] : [])
    if (phaseMs <= 0 || stalled.length === 0) continue
    const stalledMs = stalled.reduce((sum, s) => sum + s.ms, 0)
    const share = stalledMs / phaseMs
    if (worst === undefined || share > worst.share) worst = { share, stalledMs, phaseMs, longestMs: Math.max(...stalled.map(s => s.ms)), from: stalled[0]!.t - stalled[0]!.ms }
  }
  return worst
}

/** Bounds exceeded for `sustainedMs` in a row, within one measured phase. */
const sustainedSaturation = (samples: HealthSample[], windowOf: (t: number) => number, stallMs: (i: number) => number, rule: GeneratorRule, loop: string): Saturation => {
  const spanMs = (first: number, last: number): number => samples[last].t - samples[first].t + Math.max(rule.sampleEveryMs, stallMs(first))
  // Longest run of consecutive over-limit samples within one window, as [first, last] indexes.
  let longest: [number, number] | undefined
  let runStart = -1
  let runWindow = -1
  for (const [i, sample] of samples.entries()) {
    const w = windowOf(sample.t)
    const over = w >= 0 && overBounds(sample, rule).length > 0
    if (!over) {
      runStart = -1
      continue
    }
    if (runStart < 0 || w !== runWindow) runStart = i
    runWindow = w
    if (longest === undefined || spanMs(runStart, i) > spanMs(longest[0], longest[1])) longest = [runStart, i]
  }
  const longestMs = longest === undefined ? 0 : spanMs(longest[0], longest[1])
  if (longest === undefined || longestMs < rule.sustainedMs) return { saturated: false, longestMs }
  const run = samples.slice(longest[0], longest[1] + 1)
  const peak = (pick: (s: HealthSample) => number | undefined): number => Math.max(0, ...run.map(s => pick(s) ?? 0))
  const parts: string[] = []
  if (run.some(s => s.loopLagP99Ms > rule.maxLoopLagMs)) parts.push(`${loop} event-loop lag p99 up to ${peak(s => s.loopLagP99Ms).toFixed(0)} ms (limit ${rule.maxLoopLagMs} ms)`)
  if (run.some(s => s.cpuPct > rule.maxCpuPct)) parts.push(`host CPU up to ${peak(s => s.cpuPct).toFixed(0)}% (limit ${rule.maxCpuPct}%)`)
  if (run.some(s => s.roundTripMs !== undefined && s.roundTripMs > rule.maxRoundTripMs)) parts.push(`browser round-trip up to ${peak(s => s.roundTripMs).toFixed(0)} ms (limit ${rule.maxRoundTripMs} ms)`)
  const at = clock(run[0].t)
  return {
    saturated: true,
    longestMs,
    reason: `the generator was saturated for ${(longestMs / 1000).toFixed(1)} s of a measured phase (from ${at}, limit ${(rule.sustainedMs / 1000).toFixed(1)} s): ${parts.join(', ')}; the figures measure this machine, not the target: its CPU is the limit, so lower the run's size or ${beyondOneMachine}`
  }
}
