/**
 * A synthetic summary.json (version 2) for the reporter tests: registered
 * figure names only, real HDR histograms (LatencyHistogram-encoded), every
 * optional shape (series, fits, OPFS figures, resync histogram,
 * regressions-ready figures), a "never" figure and threshold, not-measurable
 * figures with their capability, a suite error, and hostile titles.
 */
import { LatencyHistogram } from '../../../metrics/histogram.ts'
import type { Summary, SummaryTest } from '../../../reporter/summary.ts'

/** A title that would inject markup if it were not escaped. */
export const hostileTitle = 'burst </script><img src=x onerror=alert(1)> & "quotes"'

/** Deterministic samples: a skewed spread in [base, base + spreadMs). */
export const histogramOf = (count: number, baseMs: number, spreadMs: number): LatencyHistogram => {
  const h = new LatencyHistogram()
  let x = 12345
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31
    const u = x / 2 ** 31
    h.record(baseMs + spreadMs * u * u * u)
  }
  return h
}

const twoStep = (p50Ms: number, p95Ms: number): LatencyHistogram => {
  const h = new LatencyHistogram()
  for (let i = 0; i < 100; i++) h.record(i < 90 ? p50Ms : p95Ms)
  return h
}

const dist = (h: LatencyHistogram) => {
  const s = h.summary()
  return { count: s.count, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max }
}

const baseTest = (title: string, project: string, over: Partial<SummaryTest>): SummaryTest => ({
  title, tags: ['@synthetic'], project, status: 'passed', verdict: 'pass', verdictReasons: [], durationMs: 1234,
  figures: {}, notMeasurable: {}, histograms: {}, thresholds: [], timeline: [], testId: `${project}-${title.length}`, ...over
})

/** The propagation histograms of the two chromium tests, to check exact merging. */
export const chromiumPropagation = [histogramOf(1500, 2, 40), histogramOf(500, 5, 400)]

/** `over.figures` replaces single figures; every other field of `over` replaces the whole field. */
const latencyTest = (title: string, project: string, propagation: LatencyHistogram, ack: LatencyHistogram, over: Partial<SummaryTest> = {}): SummaryTest =>
  baseTest(title, project, {
    histograms: { propagationMs: propagation.encode(), ackMs: ack.encode() },
    thresholds: [{ figure: 'lostOps', limit: 'value==0', value: 0, ok: true }],
    timeline: [{ t: 1_000_000, event: 'arrange: 4 replicas' }, { t: 1_005_000, event: 'workload: 10 op/s <b>' }],
    ...over,
    figures: { propagationMs: dist(propagation), ackMs: dist(ack), convergenceMs: 120, lostOps: 0, phantomOps: 0, divergentReplicas: 0, opSuccessRate: 0.99, opErrorRate: 0.01, ...over.figures }
  })

/** The reason the synthetic suite error gives, in its verdict and its threshold. */
export const suiteErrorReason = 'scenario sessions did not record sessionConnectMs'

/**
 * @return {Summary} a run of 2 scenarios × chromium/firefox (the failed chromium one never converged),
 * a skipped webkit, a heap/OPFS scenario, and a sessions scenario the suite could not judge
 */
export const syntheticSummary = (): Summary => {
  const resync = histogramOf(300, 50, 900)
  // 90% of the samples at the first value, 10% at the second: p50 and p95 exactly.
  const opfs = {
    'opfs.opfs-main.write.100.item': twoStep(10, 30),
    'opfs.opfs-worker.write.100.item': twoStep(15, 33),
    'opfs.indexeddb.write.100.item': twoStep(20, 60),
    'opfs.indexeddb.read.100.item': twoStep(4, 8)
  }
  const heapPoints = (slopePerMs: number): Array<[number, number]> => Array.from({ length: 60 }, (_, i) => [i * 1000, 50e6 + slopePerMs * i * 1000 + (i % 7) * 1e5])
  return {
    version: 2,
    run: {
      id: 'run-1', profile: 'smoke', seed: 42, target: 'reference', client: 'reference',
      browsers: [
        { project: 'chromium', source: 'system', executablePath: '/usr/bin/chromium', version: '140.0.1' },
        { project: 'firefox', source: 'system', executablePath: '/usr/bin/firefox-esr', version: '140.3esr' },
        { project: 'webkit', source: 'missing', executablePath: null, version: null }
      ],
      host: { hostname: 'vm', platform: 'linux 6', cpus: 2, cpuModel: 'AMD EPYC', memoryBytes: 8 * 2 ** 30, node: 'v20.20.2' },
      gitRevision: 'abc1234', startedAt: '2026-11-23T17:00:00.000Z', durationMs: 60_000
    },
    tests: [
      latencyTest('baseline: few replicas', 'chromium', chromiumPropagation[0]!, histogramOf(200, 5, 50)),
      latencyTest(hostileTitle, 'chromium', chromiumPropagation[1]!, histogramOf(100, 8, 80), {
        status: 'failed', verdict: 'fail', verdictReasons: ['propagationMs p(95)<10 breached: measured 42', 'convergenceMs value<30000 breached: never'],
        figures: { convergenceMs: Number.POSITIVE_INFINITY },
        thresholds: [
          { figure: 'propagationMs', limit: 'p(95)<10', value: 42.5, ok: false },
          { figure: 'lostOps', limit: 'value==0', value: 0, ok: true },
          { figure: 'convergenceMs', limit: 'value<30000', value: Number.POSITIVE_INFINITY, ok: false }
        ],
        tracePath: '../../test-results/burst-chromium/trace.zip'
      }),
      latencyTest('baseline: few replicas', 'firefox', histogramOf(1000, 3, 60), histogramOf(200, 9, 70)),
      latencyTest(hostileTitle, 'firefox', histogramOf(800, 4, 500), histogramOf(100, 12, 90)),
      baseTest('soak: heap and stores', 'chromium', {
        figures: {
          timeToResyncMs: dist(resync),
          ...Object.fromEntries(Object.entries(opfs).map(([name, h]) => [name, dist(h)])),
          'opfs.opfs-worker.read.100.item': null,
          clientHeapSlopeMaxBytesPerMin: 150_000,
          serverHeapGrowthBytesPerWrite: 2048,
          serverCpuPctMean: 12.5,
          serverHeapSlopeBytesPerMin: null
        },
        notMeasurable: {
          'opfs.opfs-worker.read.100.item': { capability: 'opfs', reason: 'opfs-worker does not run in chromium: no Worker' },
          serverHeapSlopeBytesPerMin: { capability: 'server-heap', reason: 'target official has no heap-after-GC endpoint' }
        },
        histograms: { timeToResyncMs: resync.encode(), ...Object.fromEntries(Object.entries(opfs).map(([name, h]) => [name, h.encode()])) },
        series: {
          'heap.r1': heapPoints(1000),
          'heap.r2': heapPoints(0),
          'server.rssBytes': heapPoints(500),
          'server.connections': Array.from({ length: 30 }, (_, i) => [i * 2000, 10 + (i % 3)])
        },
        fits: { 'heap.r1': { slopePerMin: 60e6, ciLow: 58e6, ciHigh: 62e6 }, 'heap.r2': { slopePerMin: 0, ciLow: -1e5, ciHigh: 1e5 } }
      }),
      baseTest('sessions: many rooms', 'firefox', {
        status: 'failed', verdict: 'error', verdictReasons: [suiteErrorReason],
        figures: { sessions: 4, unackedOps: null },
        notMeasurable: { unackedOps: { capability: 'acks', reason: 'client y-websocket has no durable-write acks' } },
        thresholds: [
          { figure: 'sessionConnectMs', limit: 'p(95)<500', value: null, ok: false, error: suiteErrorReason },
          { figure: 'unackedOps', limit: 'value==0', value: null, ok: false, notMeasurable: 'client y-websocket has no durable-write acks' }
        ]
      }),
      baseTest('baseline: few replicas', 'webkit', { status: 'skipped', verdict: 'not-measurable', verdictReasons: ['webkit: skipped, not installed'], testId: undefined })
    ]
  }
}
