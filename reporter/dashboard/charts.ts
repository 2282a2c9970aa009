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
  /** x ranges shaded behind the lines (the fault windows), in x units. */
  bands?: Array<[number, number]>
}

/** A distribution with fewer samples is a table row, not a chart: its percentile curve says nothing. */
export const minChartSamples = 20
/** A series with fewer points is not drawn: three heap samples make no trend (and one made a 0.045 s axis). */
export const minSeriesPoints = 5

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

/**
 * The HDR percentile-distribution view: x in "nines" (0 = p0, 1 = p90, 2 = p99…),
 * y = latency in ms at that percentile, one series per labelled histogram
 * (all of one scenario: never merged across scenarios).
 */
export const percentileChart = (title: string, lines: Array<{ label: string, histogram: LatencyHistogram }>): Omit<ChartSpec, 'id'> => {
  const maxCount = Math.max(...lines.map(l => l.histogram.count))
  const topNines = Math.min(5, Math.max(2, Math.log10(maxCount) + 0.5))
  const xs: number[] = []
  for (let i = 0; i * 0.05 <= topNines + 1e-9 && i < 200; i++) xs.push(Math.round(i * 5) / 100)
  const ys = lines.map(({ histogram }) => xs.map(x => Math.max(minLogMs, histogram.percentile(Math.min(100, 100 * (1 - 10 ** -x))))))
  return { title, x: 'nines', yUnit: 'ms', yLog: true, series: lines.map(l => ({ label: `${l.label} (n=${l.histogram.count})` })), data: [xs, ...ys] }
}

const thin = <T>(items: T[]): T[] => {
  if (items.length <= maxPoints) return items
  const step = items.length / maxPoints
  return Array.from({ length: maxPoints }, (_, i) => items[Math.floor(i * step)]!)
}

/**
 * Aligns several `[tMs, value]` series on the union of their times (x in
 * seconds since `t0`, by default the earliest sample); a series has null where it has no sample.
 */
export const alignSeries = (series: Array<{ label: string, points: Array<[number, number]>, dash?: boolean }>, start?: number): { xs: number[], ys: Array<Array<number | null>>, t0: number } => {
  const thinned = series.map(s => thin([...s.points].sort((a, b) => a[0] - b[0])))
  const t0 = start ?? Math.min(...thinned.flatMap(p => p.length > 0 ? [p[0]![0]] : []))
  const times = [...new Set(thinned.flatMap(p => p.map(([t]) => t)))].sort((a, b) => a - b)
  const index = new Map(times.map((t, i) => [t, i]))
  const ys = thinned.map(points => {
    const row: Array<number | null> = times.map(() => null)
    for (const [t, v] of points) row[index.get(t)!] = v
    return row
  })
  return { xs: times.map(t => (t - t0) / 1000), ys, t0 }
}

/** @return {number} the test's first moment on record (epoch ms): its first event or sample */
export const testStart = (test: SummaryTest): number =>
  Math.min(...test.timeline.map(e => e.t), ...Object.values(test.series ?? {}).flatMap(points => points.length > 0 ? [points[0]![0]] : []))

/**
 * The fault windows of a test, from its timeline (`fault: <name>` … `heal: <name>`,
 * as the recorder marks them); a fault never healed lasts until the last event.
 * @return {Array<{ name: string, from: number, to: number }>} epoch ms
 */
export const faultWindows = (test: SummaryTest): Array<{ name: string, from: number, to: number }> => {
  const open = new Map<string, number[]>()
  const windows: Array<{ name: string, from: number, to: number }> = []
  for (const { t, event } of test.timeline) {
    const m = /^(fault|heal): (.+)$/.exec(event.split('\n')[0]!)
    if (m === null) continue
    const starts = open.get(m[2]!) ?? []
    if (m[1] === 'fault') open.set(m[2]!, [...starts, t])
    else if (starts.length > 0) windows.push({ name: m[2]!, from: starts.shift()!, to: t })
  }
  const end = Math.max(...test.timeline.map(e => e.t))
  for (const [name, starts] of open) for (const from of starts) windows.push({ name, from, to: end })
  return windows.sort((a, b) => a.from - b.from)
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

/**
 * A line chart of named series of one test, x in seconds since the test's
 * start, fitted slopes dashed where `fits` has them, the fault windows shaded.
 * Only series with at least `minSeriesPoints` points are drawn.
 * @return {Omit<ChartSpec, 'id'> | undefined} undefined when no series has enough points
 */
export const seriesChart = (title: string, test: SummaryTest, names: string[], yUnit?: ChartSpec['yUnit']): Omit<ChartSpec, 'id'> | undefined => {
  const drawn = names.filter(n => (test.series?.[n]?.length ?? 0) >= minSeriesPoints)
  if (drawn.length === 0) return undefined
  const input: Array<{ label: string, points: Array<[number, number]>, dash?: boolean }> = []
  for (const name of drawn) {
    const points = test.series![name]!
    input.push({ label: name, points })
    const fit = test.fits?.[name]
    if (fit !== undefined) input.push({ label: `${name} fit`, points: fittedLine(points, fit.slopePerMin), dash: true })
  }
  const t0 = testStart(test)
  const { xs, ys } = alignSeries(input, t0)
  const bands = faultWindows(test).map((w): [number, number] => [(w.from - t0) / 1000, (w.to - t0) / 1000])
  return {
    title, x: 'seconds', yUnit: yUnit ?? (drawn.every(n => /bytes|heap/i.test(n)) ? 'bytes' : ''), yLog: false,
    series: input.map(s => ({ label: s.label, dash: s.dash })), data: [xs, ...ys], ...(bands.length > 0 ? { bands } : {})
  }
}

/** Most lines a trend chart draws, so that it stays readable. */
const maxTrendLines = 12

/**
 * The trend of one headline key (`propagationMs.p95`) across runs, one line per test × project.
 * @return {ChartSpec | undefined} undefined when fewer than one run has it
 */
export const trendChart = (key: string, history: HistoryLine[]): Omit<ChartSpec, 'id'> | undefined => {
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
    title: `${key} across the last ${history.length} run(s)`, x: 'time', yUnit: unit === 'ms' || unit === 'bytes' ? unit : '', yLog: false,
    series: [...lines.keys()].map(label => ({ label })), data: [xs.map(s => (t0 / 1000) + s), ...ys]
  }
}
