/**
 * The figure registry (DESIGN §4): every figure the suite records, declared
 * once, with its unit, its kind, which direction is better, its shape
 * (a histogram or one value), its role and the capabilities it needs.
 * Profiles key their thresholds by these names, the recorder accepts only
 * these names, the baseline compares in the declared direction, and the
 * dashboard formats by the declared unit.
 *
 * Roles:
 *   stack      the target's behaviour: thresholds, the baseline and the dashboard use it
 *   run        describes the run itself (sizes, echoes of the settings): no threshold can fail on it
 *   generator  the machine running the swarm: judged by the profile's `generator` rule, not by thresholds
 *
 * A family (`opfs.<store>.<op>.<items>.<sample>`) declares many figures at
 * once: its `<…>` parts match one name segment each.
 *
 * @module metrics/registry
 */
import { z } from 'zod'

/**
 * What a figure can need. Of the client: `acks`, `store`, `heartbeat`. Of the
 * browser: `cdp` (Chromium's DevTools protocol), `opfs` (the storage APIs of
 * the OPFS benchmark), `fine-timers` (a clock fine enough to divide by). Of the
 * target: `server-heap` (the server's heap after a GC: the reference admin API
 * or a Node inspector), `server-process` (the suite started the server, so it
 * reads its process tree's RSS and CPU time from /proc), `server-metrics` (a
 * Prometheus `/metrics`).
 */
export const capabilitySchema = z.enum(['acks', 'store', 'heartbeat', 'cdp', 'opfs', 'fine-timers', 'server-heap', 'server-process', 'server-metrics'])
export type Capability = z.infer<typeof capabilitySchema>

export const figureSpecSchema = z.object({
  name: z.string().regex(/^[a-zA-Z][\w-]*(\.([\w-]+|<\w+>))*$/, 'a figure name is camelCase words, optionally with .segments or .<part> placeholders'),
  unit: z.enum(['ms', 'count', 'bytes', 'bytes/min', 'bytes/op', 'percent', 'ratio', 'per-second']),
  kind: z.enum(['latency', 'duration', 'count', 'rate', 'ratio', 'bytes', 'throughput']),
  /** Which way is better; absent for figures that are neither (sizes, echoes). */
  better: z.enum(['lower', 'higher']).optional(),
  shape: z.enum(['histogram', 'value']),
  role: z.enum(['stack', 'run', 'generator']),
  /** Without every one of these the figure is not measurable, and says which one is missing. */
  requires: z.array(capabilitySchema).default([]),
  description: z.string().min(1)
}).refine(spec => spec.role !== 'stack' || spec.better !== undefined, 'a stack figure must say which direction is better')
export type FigureSpec = z.infer<typeof figureSpecSchema>

type Unit = FigureSpec['unit']
type Better = FigureSpec['better']
type Spec = Omit<z.input<typeof figureSpecSchema>, 'name'>

const latency = (description: string, requires: FigureSpec['requires'] = []): Spec =>
  ({ unit: 'ms', kind: 'latency', better: 'lower', shape: 'histogram', role: 'stack', requires, description })
const duration = (description: string, better: Better = 'lower', requires: FigureSpec['requires'] = []): Spec =>
  ({ unit: 'ms', kind: 'duration', better, shape: 'value', role: 'stack', requires, description })
const count = (description: string, requires: FigureSpec['requires'] = []): Spec =>
  ({ unit: 'count', kind: 'count', better: 'lower', shape: 'value', role: 'stack', requires, description })
const echo = (description: string, unit: Unit = 'count'): Spec =>
  ({ unit, kind: unit === 'ms' ? 'duration' : 'count', shape: 'value', role: 'run', description })
const machine = (description: string, unit: Unit, shape: FigureSpec['shape'] = 'value', requires: FigureSpec['requires'] = []): Spec =>
  ({ unit, kind: unit === 'ms' ? (shape === 'histogram' ? 'latency' : 'duration') : unit === 'percent' ? 'ratio' : 'bytes', better: 'lower', shape, role: 'generator', requires, description })
const bytes = (description: string, unit: Unit, requires: FigureSpec['requires'] = []): Spec =>
  ({ unit, kind: 'bytes', better: 'lower', shape: 'value', role: 'stack', requires, description })

/** Every figure, by name. The keys are the names thresholds, summary.json and the dashboard use. */
const declared = {
  // Convergence (the oracle, every scenario with a quiesce).
  replicas: echo('replicas checked by the oracle'),
  ops: echo('ops the replicas ran (reads included)'),
  writes: echo('writes the replicas invoked'),
  lostOps: count('acknowledged op ids missing at some replica or at a fresh client after quiesce'),
  phantomOps: count('op ids held somewhere that no replica invoked'),
  divergentReplicas: count('parties (replicas, the server) whose digest differs from what a fresh client loads from the server'),
  disconnects: count('socket closes the replicas saw, for any reason but their own close'),
  unexpectedDisconnects: count('closes outside every injected fault window (plus the heartbeat grace) that the replica did not ask for'),
  bytesIn: bytes('bytes the replicas received', 'bytes'),
  bytesOut: bytes('bytes the replicas sent', 'bytes'),
  convergenceMs: duration('from quiesce until every replica\'s digest equals the server\'s (the slowest room); never: stuck'),
  propagationMs: latency('t(op visible at replica B) − t(op invoked at replica A), for every (op, observer) pair where B had synced before the op'),
  ackMs: latency('t(durable-write ack) − t(invoke)', ['acks']),
  unackedOps: count('writes still waiting for their ack at the end', ['acks']),
  opSuccessRate: { unit: 'ratio', kind: 'rate', better: 'higher', shape: 'value', role: 'stack', requires: ['acks'], description: 'writes acknowledged / writes invoked' },
  storePersistMs: latency('one append of one update to a replica\'s local store, timed inside the replica without its queue wait', ['store']),
  storeCompactMs: latency('one compaction of a replica\'s local store', ['store']),
  storePersistWorstP95Ms: duration('the highest per-replica p95 of storePersistMs', 'lower', ['store']),
  // The workload and the swarm.
  scheduledOps: echo('ops the workload scheduled'),
  achievedOpsPerSec: { unit: 'per-second', kind: 'throughput', better: 'higher', shape: 'value', role: 'stack', description: 'ops the replicas ran per second of workload (every run of the test): below the scheduled rate when clients cannot keep up' },
  scheduleLateMsMax: machine('worst lateness of an op against its schedule', 'ms'),
  setupMsPerReplica: machine('wall time to spawn the swarm, per replica', 'ms'),
  setupMsPerContextMax: machine('the slowest browser context to open with its replicas', 'ms'),
  holdCpuPctMean: machine('host CPU while holding the top ramp stage (setup excluded), mean', 'percent'),
  holdCpuPctMax: machine('host CPU while holding the top ramp stage, max', 'percent'),
  liveBrowserReplicas: echo('browser replicas live at the top ramp stage'),
  'holdCpuPctByKind.<kind>': machine('host CPU while holding the top ramp stage, of one process kind (renderers, browser, runner, server, proxy; /proc)', 'percent'),
  rampRoomSize: echo('replicas per room in the ramp (0: one room for everyone)'),
  // Cold sync.
  coldLoadMs: latency('a fresh replica\'s first connect to its first full sync of the preloaded document'),
  coldLoadBytesPerReplica: bytes('bytes a fresh replica received to load the document', 'bytes'),
  preloadItems: echo('todos preloaded before the fresh replicas joined'),
  // Crash.
  writesBeforeCrash: echo('writes invoked before the server was killed'),
  acknowledgedBeforeCrash: echo('writes acknowledged (or, without acks, seen by another replica) before the kill'),
  // Rejoin (the last one out).
  rejoinWrites: echo('writes the replicas invoked before every one of them left (or the server was stopped)'),
  rejoinRequiredOps: echo('of those, writes acknowledged (or, without acks, seen by another replica) by then: each must survive'),
  rejoinEmptyMs: echo('how long every room stayed empty before fresh replicas joined', 'ms'),
  rejoinSyncMs: latency('per fresh replica, connect to its first sync of a room every replica had left: the server may load it from its store again'),
  // Network faults.
  timeToReconnectMs: latency('per replica, from the fault healed to its socket open'),
  timeToResyncMs: latency('per replica, from the fault healed to its first full sync'),
  reconnectAttempts: count('reconnect attempts after the fault'),
  reconnectSpreadMs: duration('interdecile range (p90 − p10) of the first-retry delays after a drop: near 0 means every client retried at once', 'higher'),
  notReconnected: count('replicas that never reconnected after the heal'),
  halfOpenDetectMs: duration('the slowest client\'s time to notice a blackholed connection; never: one did not', 'lower', ['heartbeat']),
  halfOpenUndetected: count('clients that never noticed a blackholed connection', ['heartbeat']),
  // Churn.
  churnJoins: echo('replicas that joined'),
  churnLeaves: echo('replicas that left'),
  churnJoinSyncMs: latency('each surviving joiner\'s connect to first sync'),
  churnDepartedWrites: echo('writes of the replicas that left'),
  churnDepartedAcknowledged: echo('writes of the replicas that left that must survive them'),
  // Flood.
  floodConnectMs: latency('per replica of the flood, connect to first sync'),
  floodConnectErrors: count('closes before a first sync, plus replicas that never synced'),
  floodUnsynced: count('replicas that did not sync before the deadline'),
  floodWallMs: duration('wall time until every flooding replica synced'),
  // Idle.
  idleMs: echo('how long the replicas stayed silent', 'ms'),
  // Spike.
  spikeRecoveryMs: duration('from the end of the spike to the first 1 s window whose propagation p95 is back within 1.5× the pre-spike p95; never: not within the window after it'),
  spikeBaselineP95Ms: duration('propagation p95 of the ops invoked before the spike'),
  spikePeakP95Ms: duration('the worst 1 s window\'s propagation p95 from the spike on'),
  // Sessions.
  sessions: echo('Node sessions held, one connection each (as the k6 plan counts them)'),
  nodeReplicas: echo('Node protocol replicas'),
  browserReplicas: echo('browser replicas'),
  sessionConnectMs: latency('per Node session replica, connect to first sync'),
  sessionConnectWallMs: duration('wall time to connect every Node session replica'),
  sessionConnectErrors: count('Node session replicas that did not sync'),
  sessionGeneratorBytesPerSession: machine('RSS of the load workers per Node session, just after connecting', 'bytes'),
  sessionServerBytesPerSession: bytes('RSS of the server\'s process tree per Node session, just after connecting', 'bytes', ['server-process']),
  nodePropagationMs: latency('propagation latency observed by Node replicas'),
  browserPropagationMs: latency('propagation latency observed by browser replicas'),
  opErrorRate: { unit: 'ratio', kind: 'rate', better: 'lower', shape: 'value', role: 'stack', requires: ['acks'], description: 'writes not acknowledged by the deadline / writes' },
  serverBytesPerClosedConnection: bytes('as the sessions end: the server\'s memory (heap after GC, else RSS) per connection closed, Theil–Sen; serverLeak when its interval is above the profile\'s bytesPerConnection', 'bytes', ['server-process']),
  serverHeapStartBytes: bytes('server heap after a GC at the start of the hold', 'bytes', ['server-heap']),
  serverHeapEndBytes: bytes('server heap after a GC at the end of the hold', 'bytes', ['server-heap']),
  serverHeapGrowthPct: { unit: 'percent', kind: 'ratio', better: 'lower', shape: 'value', role: 'stack', requires: ['server-heap'], description: 'server heap growth (after a GC) over the hold' },
  serverHeapGrowthBytesPerWrite: bytes('server heap growth over the hold per write', 'bytes/op', ['server-heap']),
  // Soak and heap.
  soakUptimeMs: echo('how long the soak ran', 'ms'),
  clientLeaks: count('page and worker heaps with a leak verdict', ['cdp']),
  serverLeak: count('1 when the server\'s memory has a leak verdict: its heap after GC where the suite can force one (admin API, --inspect), else its process tree\'s RSS', ['server-process']),
  clientHeapSlopeMaxBytesPerMin: bytes('the steepest page heap slope (Theil–Sen, post-GC)', 'bytes/min', ['cdp']),
  serverHeapSlopeBytesPerMin: bytes('the server heap slope (Theil–Sen, post-GC)', 'bytes/min', ['server-heap']),
  serverRssSlopeBytesPerMin: bytes('the slope of the server process tree\'s RSS (Theil–Sen)', 'bytes/min', ['server-process']),
  serverRssMaxBytes: bytes('the most RSS the server\'s process tree held (/proc)', 'bytes', ['server-process']),
  serverCpuPctMean: { unit: 'percent', kind: 'ratio', better: 'lower', shape: 'value', role: 'stack', requires: ['server-process'], description: 'CPU time of the server\'s process tree over the test, in percent of one core (/proc)' },
  heapSampleCostMs: machine('one page heap sample\'s CDP round trip', 'ms', 'histogram', ['cdp']),
  heapSamples: echo('heap sampling rounds'),
  domNodesMax: count('the most DOM nodes a page held', ['cdp']),
  listenersMax: count('the most JS event listeners a page held', ['cdp']),
  // OPFS benchmark.
  'opfs.<store>.<op>.<items>.<sample>': latency('one store call of the OPFS benchmark (stores opfs-main, opfs-worker, opfs-log, indexeddb, sdk; ops write, read, list, delete, restore, compact): <sample> batch = one call carrying all items, item = one call with one item', ['opfs']),
  'opfs.<store>.<op>.<items>.<sample>.ratioToIndexedDB.<percentile>': { unit: 'ratio', kind: 'ratio', better: 'lower', shape: 'value', role: 'stack', requires: ['opfs', 'fine-timers'], description: 'that store\'s percentile over IndexedDB\'s: above 1 is slower than IndexedDB' },
  opfsStoreErrors: count('stores that failed or read back a wrong value'),
  opfsUndersampled: echo('OPFS figures resting on fewer than 100 samples'),
  // Persistence across reloads.
  persistRestoreMs: latency('from page.reload() to a replica\'s doc restored from its store', ['store']),
  persistResyncMs: latency('from the heal to a reloaded replica synced', ['store']),
  persistNotRestored: count('restores that missed an op id, changed the digest or came after network messages', ['store']),
  persistOfflineWrites: echo('writes made offline'),
  // Generator health (metrics/generator-health.ts).
  generatorCpuPctMax: machine('host CPU during the test, max', 'percent'),
  generatorCpuPctMean: machine('host CPU during the test, mean', 'percent'),
  runnerLoopLagP99MsMax: machine('the runner\'s event-loop lag p99, worst sample', 'ms'),
  runnerLoopLagP99MsMeasuredMax: machine('the runner\'s event-loop lag p99, worst sample inside a measured window', 'ms'),
  hostMemUsedBytesDelta: machine('host memory growth during the test', 'bytes'),
  generatorRoundTripMsMax: machine('the slowest browser round trip', 'ms'),
  generatorSaturatedMs: machine('the longest stretch of a measured phase with the generator over its bounds', 'ms'),
  // Remote browser hosts.
  'clockOffsetMs.<host>': echo('a remote host\'s clock minus the runner\'s', 'ms'),
  'clockUncertaintyMs.<host>': echo('± half the best round trip of that clock measurement', 'ms')
} satisfies Record<string, Spec>

/** Every declared figure, validated once. */
export const figureSpecs: FigureSpec[] = Object.entries(declared).map(([name, spec]) => figureSpecSchema.parse({ name, ...spec }))

type Family<N extends string> = N extends `${infer Head}<${string}>${infer Tail}` ? `${Head}${string}${Family<Tail>}` : N
/** A registered figure name: compile-time checked where the name is a literal. */
export type FigureName = Family<keyof typeof declared>

const exact = new Map(figureSpecs.filter(s => !s.name.includes('<')).map(s => [s.name, s]))
const families = figureSpecs.filter(s => s.name.includes('<')).map(spec => ({
  spec,
  pattern: new RegExp(`^${spec.name.split('.').map(part => part.startsWith('<') ? '[\\w-]+' : part.replace(/[-]/g, '\\-')).join('\\.')}$`)
}))

/**
 * @param {string} name a figure name, e.g. `propagationMs` or `opfs.indexeddb.write.10.batch`
 * @return {FigureSpec | undefined} its declaration; undefined when it is not registered
 */
export const figureSpec = (name: string): FigureSpec | undefined =>
  exact.get(name) ?? families.find(f => f.pattern.test(name))?.spec

/** Edit distance, for "did you mean". */
const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length]!
}

/** @return {string} the registered name closest to `name` */
export const closestFigure = (name: string): string =>
  figureSpecs.map(s => s.name).reduce((best, candidate) => distance(name, candidate) < distance(name, best) ? candidate : best)

/** One sentence for a name that is not registered. */
export const unknownFigureMessage = (name: string): string =>
  `no figure named ${name} is registered; did you mean ${closestFigure(name)}? (every figure is listed in metrics/registry.ts)`

/**
 * @param {string} name
 * @return {FigureSpec} its declaration
 * @throws {Error} one sentence with the closest registered name
 */
export const requireFigure = (name: string): FigureSpec => {
  const spec = figureSpec(name)
  if (spec === undefined) throw new Error(unknownFigureMessage(name))
  return spec
}
