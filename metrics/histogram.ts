/**
 * Latency distributions as HDR histograms. Values are recorded in
 * microseconds (3 significant digits), reported in milliseconds, and carried
 * between processes as compressed base64 so that merges across replicas,
 * tests and shards are exact. Percentiles are never averaged.
 *
 * Negative samples (clock skew between hosts) are clamped to 0 and counted.
 *
 * @module metrics/histogram
 */
import * as hdr from 'hdr-histogram-js'

/** 1 hour in µs: anything slower is clamped, and counted as clamped. */
const highestUs = 3_600_000_000

export interface LatencySummary {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
  min: number
  mean: number
}

export class LatencyHistogram {
  private readonly histogram: hdr.Histogram
  /** Samples below 0 or above the range, clamped into it. */
  clamped = 0

  constructor (encoded?: string) {
    this.histogram = encoded === undefined
      ? hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: highestUs, numberOfSignificantValueDigits: 3, useWebAssembly: false })
      : hdr.decodeFromCompressedBase64(encoded, 32, false)
  }

  /** @param {number} ms a duration in milliseconds */
  record (ms: number): void {
    let us = Math.round(ms * 1000)
    if (us < 0 || us > highestUs || !Number.isFinite(us)) {
      this.clamped++
      us = !Number.isFinite(us) || us > highestUs ? highestUs : 0
    }
    this.histogram.recordValue(us)
  }

  /** Exact merge: adds every count of `other`. */
  add (other: LatencyHistogram): void {
    this.histogram.add(other.histogram)
    this.clamped += other.clamped
  }

  get count (): number {
    return this.histogram.totalCount
  }

  /** @param {number} p percentile in (0, 100] @return {number} ms */
  percentile (p: number): number {
    return this.histogram.getValueAtPercentile(p) / 1000
  }

  /** The top bucket's bound (within 0.1%), so that a decoded or merged histogram reports the same max. */
  get max (): number { return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(100) / 1000 }
  get min (): number { return this.count === 0 ? 0 : this.histogram.minNonZeroValue / 1000 }

  summary (): LatencySummary {
    if (this.count === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0, min: 0, mean: 0 }
    return {
      count: this.count,
      p50: this.percentile(50), p95: this.percentile(95), p99: this.percentile(99),
      max: this.max, min: this.min, mean: this.histogram.mean / 1000
    }
  }

  encode (): string {
    return hdr.encodeIntoCompressedBase64(this.histogram)
  }

  static decode (encoded: string): LatencyHistogram {
    return new LatencyHistogram(encoded)
  }
}
