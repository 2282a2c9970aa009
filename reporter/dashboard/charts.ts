/**
 * Chart data of the dashboard, computed at build time in Node: exact merges
 * of HDR histograms per browser, percentile curves, and aligned series. The
 * browser only draws what is here (reporter/dashboard/client.js).
 *
 * @module reporter/dashboard/charts
 */
import { LatencyHistogram } from '../../metrics/histogram.ts'
import type { SummaryTest } from '../summary.ts'
import type { HistoryLine } from '../history.ts'
import { labelSpec } from './html.ts'

/** One uPlot chart: `data[0]` is x, `data[i + 1]` belongs to `series[i]`. */
export interface ChartSpec {
  id: string
  title: string
  /** nines: x = −log10(1 − p/100), drawn as percentiles; time: unix seconds; seconds: since the first sample */
  x: 'nines' | 'time' | 'seconds'
  yUnit: 'ms' | 'bytes' | ''
  yLog: boolean
  series: Array<{ label: string, dash?: boolean }>
  data: Array<Array<number | null>>
}

/** Most points a series keeps; longer series are thinned evenly. */
const maxPoints = 1500
/** Lowest y on a log axis (1 µs): HDR records 0 for clamped negative samples. */
const minLogMs = 0.001

/**
 * Merges `figure`'s histogram of every test, per project (exact: counts add).
 * @return {Map<string, LatencyHistogram>} project → merged histogram, only projects with samples
 */
export const mergeByProject = (tests: SummaryTest[], figure: string): Map<string, LatencyHistogram> => {
  const merged = new Map<string, LatencyHistogram>()
  for (const test of tests) {
    const encoded = test.histograms[figure]
    if (encoded === undefined) continue
    const histogram = LatencyHistogram.decode(encoded)
    if (histogram.count === 0) continue
    const into = merged.get(test.project)
    if (into === undefined) merged.set(test.project, histogram)
    else into.add(histogram)
  }
  return merged
}

/** Histogram figures present in any test, sorted. */
export const histogramFigures = (tests: SummaryTest[]): string[] =>
  [...new Set(tests.flatMap(t => Object.keys(t.histograms)))].sort()

/**
 * The HDR percentile-distribution view: x in "nines" (0 = p0, 1 = p90, 2 = p99…),
 * y = latency in ms at that percentile, one series per project.
 */
export const percentileChart = (id: string, title: string, merged: Map<string, LatencyHistogram>): ChartSpec => {
  const maxCount = Math.max(...[...merged.values()].map(h => h.count))
  const topNines = Math.min(5, Math.max(2, Math.log10(maxCount) + 0.5))
  const xs: number[] = []
  for (let i = 0; i * 0.05 <= topNines + 1e-9 && i < 200; i++) xs.push(Math.round(i * 5) / 100)
  const projects = [...merged.keys()].sort()
  const ys = projects.map(p => {
    const h = merged.get(p)!
    return xs.map(x => Math.max(minLogMs, h.percentile(Math.min(100, 100 * (1 - 10 ** -x)))))
  })
  return { id, title, x: 'nines', yUnit: 'ms', yLog: true, series: projects.map(p => `${p} (n=${merged.get(p)!.count})`).map(label => ({ label })), data: [xs, ...ys] }
}

const thin = <T>(items: T[]): T[] => {
  if (items.length <= maxPoints) return items
  const step = items.length / maxPoints
  return Array.from({ length: maxPoints }, (_, i) => items[Math.floor(i * step)]!)
}

/**
 * Aligns several `[tMs, value]` series on the union of their times (x in
 * seconds since the earliest sample); a series has null where it has no sample.
 */
export const alignSeries = (series: Array<{ label: string, points: Array<[number, number]>, dash?: boolean }>): { xs: number[], ys: Array<Array<number | null>>, t0: number } => {
  const thinned = series.map(s => thin([...s.points].sort((a, b) => a[0] - b[0])))
  const t0 = Math.min(...thinned.flatMap(p => p.length > 0 ? [p[0]![0]] : []))
  const times = [...new Set(thinned.flatMap(p => p.map(([t]) => t)))].sort((a, b) => a - b)
  const index = new Map(times.map((t, i) => [t, i]))
  const ys = thinned.map(points => {
    const row: Array<number | null> = times.map(() => null)
    for (const [t, v] of points) row[index.get(t)!] = v
    return row
  })
  return { xs: times.map(t => (t - t0) / 1000), ys, t0 }
}

/**
 * A least-squares line passes through the mean point, so a slope alone is
 * enough to draw it: y = ȳ + slope · (t − t̄).
 * @return {Array<[number, number]>} the fitted line at the series' first and last time
 */
export const fittedLine = (points: Array<[number, number]>, slopePerMin: number): Array<[number, number]> => {
  if (points.length === 0) return []
  const meanT = points.reduce((s, p) => s + p[0], 0) / points.length
  const meanY = points.reduce((s, p) => s + p[1], 0) / points.length
  const ts = points.map(p => p[0])
  return [Math.min(...ts), Math.max(...ts)].map(t => [t, meanY + slopePerMin * (t - meanT) / 60_000])
}

/** A line chart of named series of one test, with fitted slopes dashed when `fits` has them. */
export const seriesChart = (id: string, title: string, test: SummaryTest, names: string[]): ChartSpec => {
  const input: Array<{ label: string, points: Array<[number, number]>, dash?: boolean }> = []
  for (const name of names) {
    const points = test.series?.[name] ?? []
    input.push({ label: name, points })
    const fit = test.fits?.[name]
    if (fit !== undefined) input.push({ label: `${name} fit`, points: fittedLine(points, fit.slopePerMin), dash: true })
  }
  const { xs, ys } = alignSeries(input)
  return {
    id, title, x: 'seconds', yUnit: names.every(n => /bytes|heap/i.test(n)) ? 'bytes' : '', yLog: false,
    series: input.map(s => ({ label: s.label, dash: s.dash })), data: [xs, ...ys]
  }
}

/** Most lines a trend chart draws, so that it stays readable. */
const maxTrendLines = 12

/**
 * The trend of one headline key (`propagationMs.p95`) across runs, one line per test × project.
 * @return {ChartSpec | undefined} undefined when fewer than one run has it
 */
export const trendChart = (id: string, key: string, history: HistoryLine[]): ChartSpec | undefined => {
  const lines = new Map<string, Array<[number, number]>>()
  for (const run of history) {
    const t = Date.parse(run.time)
    if (!Number.isFinite(t)) continue
    for (const test of run.tests) {
      const v = test.figures[key]
      if (v === undefined) continue
      const label = `${test.project} · ${test.title}`
      if (!lines.has(label) && lines.size >= maxTrendLines) continue
      lines.set(label, [...(lines.get(label) ?? []), [t, v]])
    }
  }
  if (lines.size === 0) return undefined
  const { xs, ys, t0 } = alignSeries([...lines].map(([label, points]) => ({ label, points })))
  const unit = labelSpec(key)?.unit
  return {
    id, title: `${key} across the last ${history.length} run(s)`, x: 'time', yUnit: unit === 'ms' || unit === 'bytes' ? unit : '', yLog: false,
    series: [...lines.keys()].map(label => ({ label })), data: [xs.map(s => (t0 / 1000) + s), ...ys]
  }
}
