/**
 * A synthetic summary.json (version 2) for the reporter tests: registered
 * figure names only, real HDR histograms (LatencyHistogram-encoded), every
 * optional shape (series, fits, OPFS figures, resync histogram,
 * regressions-ready figures, propagation p95 over time across a fault window),
 * a "never" figure and threshold, not-measurable figures with their
 * capability, a suite error, and hostile titles.
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

/** Each scenario's tag, as its route slug: the word before the title's colon. */
const tagOf = (title: string): string => `@${/^(\w+)/.exec(title)![1]}`

const baseTest = (title: string, project: string, over: Partial<SummaryTest>): SummaryTest => ({
  title, tags: [tagOf(title)], project, status: 'passed', verdict: 'pass', verdictReasons: [], durationMs: 1234,
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
        tracePath: '../../test-results/burst-chromium/trace.zip',
        // A reset at 2 s healed at 3 s; propagation p95 per 1 s window jumps inside it.
        timeline: [
          { t: 1_000_000, event: 'arrange: 4 replicas' }, { t: 1_002_000, event: 'fault: reset every connection' },
          { t: 1_003_000, event: 'heal: reset every connection' }, { t: 1_010_000, event: 'quiesce' }
        ],
        series: { 'propagationMs.p95': Array.from({ length: 10 }, (_, i): [number, number] => [1_000_500 + i * 1000, i === 2 ? 400 : 20]) }
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

/** The scenarios of the smoke main job: tag, title's first words, propagation samples, a fault (ms from the start, length) or none, recovery samples. */
const mainJobScenarios: Array<[string, string, number, [number, number] | null, number]> = [
  ['baseline', 'a few replicas at a low rate converge with no lost write', 245, null, 0],
  ['burst', 'high-frequency writes from every replica', 1002, null, 0],
  ['churn', 'replicas leave and join while the others write', 451, null, 0],
  ['coldsync', 'fresh replicas load a large preloaded document', 0, null, 0],
  ['conflict', 'every replica updates and deletes the same few todos at once', 1204, null, 0],
  ['crash', 'acknowledged writes survive a server SIGKILL', 340, [1000, 3600], 0],
  ['drop', 'every connection is reset mid-workload', 445, [2000, 0], 6],
  ['flood', 'many replicas connect at once, all sync, then write', 73_829, null, 0],
  ['halfopen', 'all traffic is blackholed; heartbeats must notice', 715, [1000, 9000], 6],
  ['idle', 'replicas stay silent behind a load balancer idle timeout', 18, null, 0],
  ['opfs', 'OPFS (main thread, worker) against IndexedDB', 0, null, 0],
  ['partition', 'a subset is cut off, both sides keep editing', 1070, [2000, 6000], 3],
  ['persist', 'edits survive a page reload', 268, null, 0],
  ['ramp', 'replicas join in stages while everyone writes', 470, null, 0],
  ['rejoin', 'every replica of every room leaves, the rooms stay empty 0 ms', 44, null, 0],
  ['rejoin', 'every replica of every room leaves, the rooms stay empty 3000 ms', 44, null, 0],
  ['rejoin', 'graceful restart (SIGTERM) while replicas write', 28, [1000, 2400], 0],
  ['sessions', 'thousands of two-participant sessions of Node replicas', 757, null, 0],
  ['soak', 'every replica at 1 op/s for the profile\'s duration', 738, null, 0],
  ['spike', 'a 10× jump in write rate', 2175, null, 0],
  ['storm', 'everyone is dropped at once; first retries must be spread', 781, [1000, 0], 12]
]

/**
 * @return {Summary} a summary shaped like the smoke main job's: 21 scenarios
 * on chromium and firefox (webkit skipped, not installed), sample counts as
 * measured, fault windows in the timelines, propagation p95 per second,
 * server metrics sampled every 5 s (a short test has one or two samples),
 * heap with fits in @soak (chromium only: firefox has no CDP), the OPFS
 * benchmark, and @crash failing with lost writes on chromium.
 */
export const mainJobSummary = (): Summary => {
  const base = syntheticSummary()
  const opfs = base.tests.find(t => t.title.startsWith('soak'))!
  const tests: SummaryTest[] = []
  let clock = 1_796_191_000_000
  for (const project of ['chromium', 'firefox', 'webkit']) {
    for (const [tag, words, samples, fault, recoveries] of mainJobScenarios) {
      const title = `${tag}: ${words}`
      if (project === 'webkit') {
        tests.push(baseTest(title, project, { tags: [`@${tag}`], status: 'skipped', verdict: 'not-measurable', verdictReasons: ['webkit: skipped, Playwright\'s WebKit is not installed here.'], durationMs: 0 }))
        continue
      }
      const start = clock
      const durationMs = tag === 'soak' ? 63_000 : 12_000
      clock += durationMs + 2000
      const slow = project === 'firefox' ? 4 : 1
      const propagation = histogramOf(Math.max(samples, tag === 'opfs' ? 0 : 20), 2 * slow, 40 * slow)
      const ack = histogramOf(Math.max(20, Math.round(samples / 4)), 5 * slow, 60 * slow)
      const seconds = Math.floor(durationMs / 1000) - 2
      const timeline = [
        { t: start, event: `${tag}: arrange` },
        ...(fault === null ? [] : [{ t: start + fault[0], event: `fault: ${tag} fault` }, { t: start + fault[0] + fault[1], event: `heal: ${tag} fault` }]),
        { t: start + durationMs - 1500, event: 'quiesce: replicas in 1 room(s), deadline 15000 ms' },
        { t: start + durationMs - 200, event: 'verdict: pass' }
      ]
      const inFault = (t: number): boolean => fault !== null && t >= start + fault[0] && t <= start + fault[0] + fault[1]
      const sampledEvery = (everyMs: number, value: (i: number) => number): Array<[number, number]> =>
        Array.from({ length: Math.max(1, Math.floor(durationMs / everyMs)) }, (_, i) => [start + 800 + i * everyMs, value(i)])
      const series: Record<string, Array<[number, number]>> = tag === 'opfs' || tag === 'coldsync' ? {} : {
        'propagationMs.p95': Array.from({ length: seconds }, (_, i): [number, number] => [start + 500 + i * 1000, inFault(start + 500 + i * 1000) ? 900 * slow : 10 * slow + (i % 3)]),
        'server.rssBytes': sampledEvery(5000, i => 95e6 + i * 2e5),
        'server.connections': sampledEvery(5000, () => 6)
      }
      const over: Partial<SummaryTest> = { tags: [`@${tag}`], durationMs, timeline, series }
      if (tag === 'opfs') Object.assign(over, { histograms: opfs.histograms, figures: opfs.figures, notMeasurable: opfs.notMeasurable, series: {} })
      const test = latencyTest(title, project, propagation, ack, over)
      if (tag === 'opfs') test.figures = opfs.figures
      if (recoveries > 0) {
        const reconnect = histogramOf(recoveries, 80 * slow, 900)
        const resync = histogramOf(recoveries, 100 * slow, 900)
        test.histograms = { ...test.histograms, timeToReconnectMs: reconnect.encode(), timeToResyncMs: resync.encode() }
        test.figures = { ...test.figures, timeToReconnectMs: dist(reconnect), timeToResyncMs: dist(resync), reconnectSpreadMs: 600 }
        test.thresholds = [...test.thresholds, { figure: 'timeToReconnectMs', limit: 'p(95)<4000', value: reconnect.percentile(95), ok: true }]
      }
      if (tag === 'soak' && project === 'chromium') {
        const heap = (slope: number): Array<[number, number]> => sampledEvery(5000, i => 10e6 + slope * i * 5000 + (i % 3) * 4e4)
        test.series = { ...test.series, 'heap.chromium-s0-c0p0': heap(6), 'heap.chromium-s0-c1p0': heap(5), 'server.heapBytes': heap(11) }
        test.fits = {
          'heap.chromium-s0-c0p0': { slopePerMin: 341_461, ciLow: 265_519, ciHigh: 394_431, method: 'theil-sen', slopePerOp: 1317, ciLowPerOp: 1092, ciHighPerOp: 1554, leak: false },
          'heap.chromium-s0-c1p0': { slopePerMin: 355_142, ciLow: 305_200, ciHigh: 385_448, method: 'theil-sen', slopePerOp: 1359, ciLowPerOp: 1241, ciHighPerOp: 1612, leak: false },
          'server.heapBytes': { slopePerMin: 653_055, ciLow: 601_742, ciHigh: 705_606, method: 'theil-sen', leak: false }
        }
      }
      if (tag === 'crash' && project === 'chromium') {
        Object.assign(test, { status: 'failed', verdict: 'fail', verdictReasons: ['fail: 73 acknowledged write(s) lost: e.g. chromium-s0-c0p0r0:12'] })
        test.figures = { ...test.figures, lostOps: 73 }
        test.thresholds = [{ figure: 'lostOps', limit: 'value==0', value: 73, ok: false }]
      }
      tests.push(test)
    }
  }
  return { ...base, run: { ...base.run, id: 'main-job', seed: 1573094008, durationMs: clock - 1_796_191_000_000 }, tests }
}
