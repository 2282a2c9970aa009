/**
 * Leak verdicts, pure functions (DESIGN §4 "leak verdict"): the Theil–Sen
 * slope of post-GC heap against time or ops, a seeded bootstrap confidence
 * interval of that slope, and the decision "leak when the interval's lower
 * bound is above the threshold". Warm-up samples are dropped first.
 *
 * Theil–Sen (the median of all pairwise slopes) shrugs off the odd sample a
 * late GC or a burst of traffic inflates, where least squares would follow it.
 *
 * @module metrics/leak
 */
import { deriveSeed, mulberry32 } from '../workload/prng.ts'

/** `[x, y]`: x is time in minutes or ops, y is bytes. */
export type Point = [number, number]

/** Most points a fit uses; longer series (a days-long soak) are reduced to bucket medians, keeping the O(n²) fit cheap. */
export const maxFitPoints = 120

export interface LineFit {
  slope: number
  intercept: number
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * The Theil–Sen line: slope = median of the slopes of every pair with distinct x,
 * intercept = median of y − slope·x.
 * @param {Point[]} points
 * @return {LineFit | undefined} undefined when fewer than two distinct x values
 */
export const theilSen = (points: Point[]): LineFit | undefined => {
  const slopes: number[] = []
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j]![0] - points[i]![0]
      if (dx !== 0) slopes.push((points[j]![1] - points[i]![1]) / dx)
    }
  }
  if (slopes.length === 0) return undefined
  const slope = median(slopes)
  return { slope, intercept: median(points.map(([x, y]) => y - slope * x)) }
}

/**
 * Reduces a series to at most `limit` points: the median x and median y of
 * consecutive equal-count buckets. Shorter series come back unchanged.
 */
export const thinByMedians = (points: Point[], limit = maxFitPoints): Point[] => {
  if (points.length <= limit) return points
  const sorted = [...points].sort((a, b) => a[0] - b[0])
  return Array.from({ length: limit }, (_, b) => {
    const bucket = sorted.slice(Math.floor(b * sorted.length / limit), Math.floor((b + 1) * sorted.length / limit))
    return [median(bucket.map(p => p[0])), median(bucket.map(p => p[1]))] as Point
  })
}

export interface BootstrapOptions {
  resamples: number
  /** Two-sided, e.g. 0.95. */
  confidence: number
  seed: number
}

/**
 * Percentile bootstrap of the Theil–Sen slope: resample the points with
 * replacement (seeded, so a run is reproducible), refit, take the quantiles.
 * Resamples whose x values are all equal are skipped.
 * @return {[number, number] | undefined} [low, high], undefined when no resample could be fitted
 */
export const bootstrapSlopeCi = (points: Point[], { resamples, confidence, seed }: BootstrapOptions): [number, number] | undefined => {
  const random = mulberry32(seed)
  const slopes: number[] = []
  for (let r = 0; r < resamples; r++) {
    const sample = Array.from({ length: points.length }, () => points[Math.floor(random() * points.length)]!)
    const fit = theilSen(sample)
    if (fit !== undefined) slopes.push(fit.slope)
  }
  if (slopes.length === 0) return undefined
  slopes.sort((a, b) => a - b)
  const at = (q: number): number => slopes[Math.min(slopes.length - 1, Math.max(0, Math.floor(q * slopes.length)))]!
  const tail = (1 - confidence) / 2
  return [at(tail), at(1 - tail)]
}

export interface SlopeVerdict {
  /** Points used after the warm-up was dropped. */
  samples: number
  slope: number
  intercept: number
  ciLow: number
  ciHigh: number
  /** The interval's lower bound is above the threshold. */
  leak: boolean
}

export interface SlopeVerdictOptions extends BootstrapOptions {
  /** Leading samples dropped (page load, first sync, JIT warm-up). */
  warmupSamples: number
  /** Fewer points than this after the warm-up: no verdict. */
  minSamples: number
  /** Bytes per x unit (per minute, per op). */
  threshold: number
}

/**
 * @param {Point[]} points in sample order
 * @return {SlopeVerdict | undefined} undefined when too few samples remain after the warm-up
 */
export const slopeVerdict = (points: Point[], options: SlopeVerdictOptions): SlopeVerdict | undefined => {
  const kept = thinByMedians(points.slice(options.warmupSamples))
  if (kept.length < Math.max(2, options.minSamples)) return undefined
  const fit = theilSen(kept)
  const ci = bootstrapSlopeCi(kept, options)
  if (fit === undefined || ci === undefined) return undefined
  return { samples: kept.length, slope: fit.slope, intercept: fit.intercept, ciLow: ci[0], ciHigh: ci[1], leak: ci[0] > options.threshold }
}

/** Samples of one heap: `[epoch ms, bytes]`, and `[ops so far, bytes]` when ops are counted. */
export interface HeapTrack {
  time: Point[]
  ops: Point[]
}

/** The leak verdict of one heap series; `undefined` fields: too few samples. */
export interface HeapFit {
  series: string
  time: SlopeVerdict | undefined
  ops: SlopeVerdict | undefined
  leak: boolean | undefined
}

export interface HeapFitSettings {
  warmupSamples: number
  minSamples: number
  bootstrapResamples: number
  confidence: number
}

/**
 * Fits one heap track: leak when every fit that has enough samples says so.
 * Time is in minutes so that the slope reads as bytes per minute.
 * @param {string} series its name (also derives the bootstrap's seed)
 * @param {HeapTrack} track
 * @param {HeapFitSettings} settings warm-up, minimum samples, bootstrap
 * @param {{ bytesPerMin: number, bytesPerOp: number }} threshold leak bounds
 * @param {number} seed the run's seed
 */
export const fitHeap = (series: string, track: HeapTrack, settings: HeapFitSettings, threshold: { bytesPerMin: number, bytesPerOp: number }, seed: number): HeapFit => {
  const t0 = track.time[0]?.[0] ?? 0
  const options = { resamples: settings.bootstrapResamples, confidence: settings.confidence, seed: deriveSeed(seed, series), warmupSamples: settings.warmupSamples, minSamples: settings.minSamples }
  const time = slopeVerdict(track.time.map(([t, v]) => [(t - t0) / 60_000, v]), { ...options, threshold: threshold.bytesPerMin })
  const ops = slopeVerdict(track.ops, { ...options, threshold: threshold.bytesPerOp })
  const leak = time === undefined ? undefined : time.leak && (ops?.leak ?? true)
  return { series, time, ops, leak }
}
