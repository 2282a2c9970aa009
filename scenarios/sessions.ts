/**
 * @sessions: hybrid load after a real-world load test plan. Many sessions of
 * one connection each (one Node protocol replica, as its k6 plan counts
 * them), in rooms of `rooms.perRoom` participants (2 by default), while a few
 * browser replicas in rooms of their own measure what users see. The Node
 * replicas live in load-worker child processes (`loadWorkers`), whole rooms
 * each, so that no process holds every socket; they connect in bounded
 * parallel batches with progress lines. Before anything connects, a run this
 * machine cannot hold (file descriptors, memory) stops with one sentence
 * (`checkCapacity`). The workload (replica classes) runs for `durationMs`
 * (the hold), with the CPU by process kind measured; then every session is
 * checked room by room against the server's copy of its document.
 *
 * Figures: `sessions`, `nodePropagationMs` (the load workers' encoded
 * histograms, merged exactly) and `browserPropagationMs` (delivery, separately),
 * `sessionGeneratorBytesPerSession`, `sessionServerBytesPerSession`, `opErrorRate` (writes not acknowledged by the ack
 * deadline / writes), the server's post-GC heap at the start and end of the
 * hold (`serverHeap*`, `serverHeapGrowthBytesPerWrite`), `sessionConnectMs`,
 * `sessionConnectWallMs`, `sessionConnectErrors`.
 *
 * Then the Node sessions end, in waves, with a server sample after each
 * (`endSessions`): `serverBytesPerClosedConnection` is the Theil–Sen slope of
 * the server's memory against connections closed, and `serverLeak` says
 * whether its bootstrap interval lies above `bytesPerConnection`. A healthy
 * server's memory falls or stays flat as connections close (its documents'
 * data stays or goes, but never grows on a close); one that keeps something per
 * connection grows with every wave. This tells a leak from data growth, where
 * raw RSS growth over the hold (documents grow with their writes) cannot.
 *
 * @module scenarios/sessions
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import { z } from 'zod'
import { roomsSchema, swarmShapeSchema, workloadScenario } from './base.ts'
import { firstSyncMs, historyFigures } from '../oracle/figures.ts'
import type { OracleResult } from '../fixtures/oracle.ts'
import type { Recorder } from '../fixtures/recorder.ts'
import type { Replica, Swarm } from '../fixtures/swarm.ts'
import type { ReplicaStats } from '../client/harness/api.ts'
import type { Target } from '../fixtures/target.ts'
import type { Profile } from '../profiles/schema.ts'
import { ServerProbe, type ServerSample } from '../fixtures/support/server-heap.ts'
import { hasServerHeap } from '../fixtures/support/target-spec.ts'
import { slopeVerdict, type Point } from '../metrics/leak.ts'
import { deriveSeed } from '../workload/prng.ts'
import { capacityProblem, type CapacityPlan, type Machine } from '../metrics/capacity.ts'
import { saturation } from '../metrics/saturation.ts'
import { LatencyHistogram } from '../metrics/histogram.ts'
import type { WorkerFigures } from '../fixtures/support/load-workers.ts'
import { sampleProcessTree, startCpuSplit } from '../fixtures/support/process-tree.ts'

export const sessionsSettings = workloadScenario.extend({
  rooms: roomsSchema.default({ perRoom: 2, spread: 'fill' }),
  /** Node replicas connected in parallel per batch (over all load workers). */
  connectBatch: z.number().int().positive().default(100),
  /**
   * Load-worker child processes holding the Node replicas (whole rooms each),
   * so that no process holds every socket; 0: the runner holds them. Absent:
   * one per `socketsPerLoadWorker` replicas.
   */
  loadWorkers: z.number().int().nonnegative().optional(),
  /** The browser replicas measuring what users see, in sessions (rooms) of their own. */
  browserSwarm: swarmShapeSchema.optional()
})
export type SessionsSettings = z.infer<typeof sessionsSettings>

/** Sockets the runner needs besides the sessions (browsers, the server's admin calls, Playwright, the oracle's fresh clients). */
const runnerReserve = 1_000
/** Node replicas per load worker when the settings do not say: well under the ~8,000 sockets one process should hold. */
export const socketsPerLoadWorker = 5_000

/**
 * Memory per part of a sessions run at its peak (the end of the hold), from
 * `STRESS_PROFILE=heavy` on this project's 2-core host (10,000 Node sessions
 * in 2 load workers, the reference server), rounded up about 2×: just after
 * connecting a session cost 27 KiB in the load workers and 16 KiB in the
 * server; the server's RSS ended the hold at 290 MB (29 KiB per session).
 */
export const memoryPerSession = {
  /** RSS of a load worker per Node replica it holds. */
  generatorBytes: 60 * 1024,
  /** RSS of the reference server per connection, its room's document included. */
  serverBytes: 60 * 1024,
  /** A load worker's own RSS before any replica (measured 107-113 MB). */
  loadWorkerBaseBytes: 120 * 2 ** 20,
  /** A browser replica: its share of a page's renderer and the browser. */
  browserReplicaBytes: 40 * 2 ** 20
}

/** The load workers of a sessions run. */
export const loadWorkersOf = (settings: SessionsSettings): number =>
  settings.loadWorkers ?? Math.ceil(settings.swarm.nodeReplicas / socketsPerLoadWorker)

const browserReplicasOf = (settings: SessionsSettings): number =>
  settings.browserSwarm === undefined ? 0 : settings.browserSwarm.contexts * settings.browserSwarm.pagesPerContext * settings.browserSwarm.replicasPerPage

/** Pure: what a sessions run needs of one machine (metrics/capacity.ts checks it). */
export const sessionsCapacityPlan = (settings: SessionsSettings, label: string): CapacityPlan => {
  const node = settings.swarm.nodeReplicas
  const workers = loadWorkersOf(settings)
  const browser = browserReplicasOf(settings)
  return {
    label,
    sockets: {
      runner: (workers === 0 ? node : 0) + runnerReserve,
      loadWorker: workers === 0 ? 0 : Math.ceil(node / workers),
      // Every session, every browser replica, and the oracle's fresh clients (one per room checked at a time).
      server: node + browser + 100
    },
    memoryBytes: {
      generator: node * memoryPerSession.generatorBytes + workers * memoryPerSession.loadWorkerBaseBytes,
      server: (node + browser) * memoryPerSession.serverBytes,
      browsers: browser * memoryPerSession.browserReplicaBytes
    }
  }
}

/** This machine as the capacity check sees it: the runner's `ulimit -n` (its children inherit it) and MemAvailable. */
export const thisMachine = (): Machine => {
  let openFileLimit: number | undefined
  try {
    const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()
    openFileLimit = text === 'unlimited' ? undefined : Number(text)
  } catch {
    openFileLimit = undefined
  }
  let availableBytes: number | undefined
  try {
    const kib = /^MemAvailable:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1]
    availableBytes = kib === undefined ? os.freemem() : Number(kib) * 1024
  } catch {
    availableBytes = os.freemem()
  }
  return { openFileLimit, availableBytes }
}

/** Pure: growth of `end` over `start` in percent. */
export const growthPct = (start: number, end: number): number => start <= 0 ? 0 : 100 * (end - start) / start

/** Before connecting: one sentence naming the limit when this machine cannot hold the run (file descriptors, memory). */
export const checkCapacity = (settings: SessionsSettings, profileName: string, machine: Machine = thisMachine()): void => {
  const problem = capacityProblem(sessionsCapacityPlan(settings, `@sessions (${profileName}, ${settings.swarm.nodeReplicas.toLocaleString('en-US')} sessions)`), machine)
  if (problem !== undefined) throw new Error(problem)
}

/**
 * Node sessions (over the load workers), then browser sessions in rooms of
 * their own; records the connect figures and, with a `target` the suite
 * started, the memory each Node session costs the generator and the server.
 */
export const connectSessions = async ({ swarm, recorder, target }: { swarm: Swarm, recorder: Recorder, target?: Target }, settings: SessionsSettings, syncTimeoutMs: number): Promise<Replica[]> => {
  const serverPid = target?.serverPid()
  const serverBefore = serverPid === undefined ? undefined : await sampleProcessTree(serverPid)
  const startedAt = Date.now()
  const node = await swarm.spawn({ ...settings, swarm: { ...settings.swarm, contexts: 0 } }, {
    label: 'sess', roomPrefix: 'n', connectBatch: settings.connectBatch, loadWorkers: loadWorkersOf(settings), waitSynced: { timeoutMs: syncTimeoutMs, onTimeout: 'collect' }
  })
  recorder.figure('sessionConnectWallMs', Date.now() - startedAt)
  await recordMemoryPerSession(recorder, swarm, node.replicas.length, serverBefore?.rssBytes, serverPid === undefined ? undefined : (await sampleProcessTree(serverPid))?.rssBytes)
  recorder.histogram('sessionConnectMs', firstSyncMs(await swarm.stats(node.replicas)))
  recorder.figure('sessionConnectErrors', node.unsynced.size)
  if (node.unsynced.size > 0) recorder.mark(`sessions: ${node.unsynced.size} Node replica(s) did not sync: ${[...node.unsynced].slice(0, 3).map(([id, why]) => `${id} (${why})`).join(', ')}`)
  const browser = settings.browserSwarm === undefined || settings.browserSwarm.contexts === 0
    ? []
    : (await swarm.spawn({ ...settings, swarm: settings.browserSwarm }, { label: 'sess', roomPrefix: 'b' })).replicas
  // A session is one connection, as the k6 plan counts them; the browser replicas are counted apart.
  recorder.figure('sessions', node.replicas.length - node.unsynced.size)
  recorder.figure('nodeReplicas', node.replicas.length)
  recorder.figure('browserReplicas', browser.length)
  return [...node.replicas, ...browser]
}

/**
 * Memory per Node session just after connecting (before any write): the load
 * workers' RSS over their RSS when they came up, and the server tree's RSS
 * over its RSS before the sessions connected.
 */
const recordMemoryPerSession = async (recorder: Recorder, swarm: Swarm, sessions: number, serverBefore: number | undefined, serverAfter: number | undefined): Promise<void> => {
  if (sessions === 0) return
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`
  const parts: string[] = []
  const workers = swarm.loadWorkers()
  if (workers.length > 0) {
    const rss = await Promise.all(workers.map(async w => (await sampleProcessTree(w.pid))?.rssBytes ?? w.readyRssBytes))
    const perSession = rss.reduce((sum, bytes, i) => sum + bytes - workers[i]!.readyRssBytes, 0) / sessions
    recorder.figure('sessionGeneratorBytesPerSession', perSession)
    parts.push(`load workers ${kib(perSession)} per session (RSS ${rss.map(mb).join(' + ')})`)
  }
  if (serverBefore !== undefined && serverAfter !== undefined) {
    const perSession = (serverAfter - serverBefore) / sessions
    recorder.figure('sessionServerBytesPerSession', perSession)
    parts.push(`server ${kib(perSession)} per session (RSS ${mb(serverBefore)} → ${mb(serverAfter)})`)
  }
  if (parts.length > 0) recorder.mark(`sessions memory: ${parts.join('; ')}`)
}

/**
 * Runs `work` (the hold) and says where the CPU went meanwhile: by process
 * kind (metrics/proc-stat.ts; the load workers count as the runner's, and are
 * also shown alone), and each load worker's event-loop lag. A load worker
 * whose loop lagged past the profile's generator bound for long enough makes
 * the verdict invalid, as the runner's own lag does: its replicas stamped
 * deliveries late, so the figures measure the generator.
 */
export const holdSessions = async <T>({ swarm, recorder, target, profile }: { swarm: Swarm, recorder: Recorder, target: Target, profile: Profile }, work: () => Promise<T>): Promise<T> => {
  const workers = swarm.loadWorkers()
  // A figures call resets a worker's lag histogram: the next one covers the hold only.
  await Promise.all(workers.map(async w => await w.figures()))
  const workerCpu = async (): Promise<number> => (await Promise.all(workers.map(async w => (await sampleProcessTree(w.pid))?.cpuSeconds ?? 0))).reduce((a, b) => a + b, 0)
  const split = await startCpuSplit({ runner: [process.pid, ...workers.map(w => w.pid)], server: target.serverPid() })
  const t0 = Date.now()
  const cpu0 = await workerCpu()
  const result = await work()
  const t1 = Date.now()
  const byKind = await split.stop()
  const workersPct = 100 * (await workerCpu() - cpu0) / Math.max((Date.now() - t0) / 1000, 0.001) / os.cpus().length
  const lag = await Promise.all(workers.map(async w => await w.figures()))
  const shown = Object.entries(byKind).map(([kind, pct]) => `${kind} ${pct.toFixed(0)}%`).join(', ')
  if (profile.generator.enabled) {
    for (const worker of lag) {
      const samples = worker.loopLagWindows.map(([t, p99]) => ({ t, cpuPct: 0, memUsedBytes: 0, loopLagP99Ms: p99 }))
      const saturated = saturation(samples, [{ from: t0, to: t1 }], profile.generator, t1, `load worker ${worker.hostId}`)
      if (saturated.reason !== undefined) recorder.invalidate(saturated.reason)
    }
  }
  recorder.mark(`sessions CPU while holding (% of the host's ${os.cpus().length} cores): ${shown}${workers.length === 0 ? '' : `; of the runner's, ${workers.length} load worker(s) ${workersPct.toFixed(0)}%, loop lag p99 ${lag.map(f => `${f.loopLagMs.percentile(99).toFixed(0)} ms`).join(' / ')}, RSS at the end ${lag.map(f => mb(f.rssBytes)).join(' + ')}`}`)
  return result
}

/** Every load worker's figures (delivery between its replicas, encoded), before any of its replicas closes. */
export const workerFigures = async (swarm: Swarm): Promise<WorkerFigures[]> => await Promise.all(swarm.loadWorkers().map(async w => await w.figures()))

/**
 * Pure: the Node replicas' delivery, exactly: the load workers' histograms
 * (whole rooms each) merged with the one computed from the stats of Node
 * replicas no worker holds.
 */
export const mergedNodeDelivery = (nodeStats: ReplicaStats[], inWorker: (replicaId: string) => boolean, workers: WorkerFigures[]): LatencyHistogram => {
  const merged = historyFigures(nodeStats.filter(s => !inWorker(s.replicaId))).propagation
  for (const worker of workers) merged.add(worker.deliveryMs)
  return merged
}

/** The server's post-GC heap around the hold (outside its measured window): a sample before, one after. */
export const sampleServerAround = async <T>(target: Target, hold: () => Promise<T>): Promise<{ result: T, before?: ServerSample, after?: ServerSample }> => {
  const probe = new ServerProbe(target)
  try {
    const before = await probe.sample({ gc: true })
    const result = await hold()
    return { result, before, after: await probe.sample({ gc: true }) }
  } finally {
    await probe.close()
  }
}

/** The sessions end in this many waves: a server sample before the first and after each, the points of the fit. */
const endWaves = 10
/** After a wave, the server is given this long to handle the closes before it is sampled. */
const endSettleMs = 500

/**
 * Ends `replicas` (the Node sessions) in waves, whole rooms at a time, and
 * judges the server's memory against connections closed: its heap after a GC
 * where the suite can force one (`profile.heap.server`), else its process
 * tree's RSS (`profile.heap.serverRss`). Runs after the measured window, so
 * the forced GCs disturb no latency figure.
 */
export const endSessions = async ({ swarm, recorder, target, profile }: { swarm: Swarm, recorder: Recorder, target: Target, profile: Profile }, replicas: Replica[], seed: number): Promise<void> => {
  if (!recorder.requires('server-process', 'serverLeak', 'serverBytesPerClosedConnection')) return
  const onHeap = hasServerHeap(target.spec)
  const what = onHeap ? 'heap after GC' : 'RSS'
  const probe = new ServerProbe(target)
  const points: Point[] = []
  try {
    const take = async (closed: number): Promise<void> => {
      const sample = await probe.sample({ gc: onHeap })
      const bytes = onHeap ? sample?.heapBytes : sample?.rssBytes
      if (bytes !== undefined) points.push([closed, bytes])
    }
    await take(0)
    // Rooms fill in spawn order: a wave of an even size closes whole sessions.
    const perWave = Math.max(1, Math.ceil(replicas.length / endWaves / 2) * 2)
    for (let closed = 0; closed < replicas.length; closed += perWave) {
      await swarm.closeReplicas(replicas.slice(closed, closed + perWave))
      await new Promise(resolve => setTimeout(resolve, endSettleMs))
      await take(Math.min(closed + perWave, replicas.length))
    }
  } finally {
    await probe.close()
  }
  const { bytesPerConnection } = onHeap ? profile.heap.server : profile.heap.serverRss
  const verdict = slopeVerdict(points, {
    warmupSamples: 0, minSamples: profile.heap.minSamples, threshold: bytesPerConnection,
    resamples: profile.heap.bootstrapResamples, confidence: profile.heap.confidence, seed: deriveSeed(seed, 'server.sessionsEnd')
  })
  if (verdict === undefined) {
    recorder.unrecorded('serverLeak', `${points.length} server ${what} sample(s) as the sessions ended: ${profile.heap.minSamples} are needed (${replicas.length} Node sessions replicas)`)
    return
  }
  recorder.figure('serverLeak', verdict.leak ? 1 : 0)
  recorder.figure('serverBytesPerClosedConnection', verdict.slope)
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`
  recorder.mark(`sessions end: server ${what} ${mb(points[0]![1])} → ${mb(points.at(-1)![1])} over ${replicas.length} closed connections, ${kib(verdict.slope)}/connection [${kib(verdict.ciLow)} … ${kib(verdict.ciHigh)}], bound ${kib(bytesPerConnection)}${verdict.leak ? ' LEAK' : ''}`)
}

const mb = (bytes: number | undefined): string => bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(0)} MB`

/**
 * Delivery per kind of replica (of `replicas`), the op error rate, and the
 * server's growth over the hold. `workers`: the load workers' figures
 * (`workerFigures`, taken before their replicas closed); without them, Node
 * delivery comes from the stats alone.
 */
export const recordSessions = (recorder: Recorder, replicas: Replica[], result: OracleResult, before: ServerSample | undefined, after: ServerSample | undefined, workers: WorkerFigures[] = []): void => {
  const kindOf = new Map(replicas.map(r => [r.id, r.host.kind]))
  const workerHosts = new Set(workers.map(w => w.hostId))
  const inWorker = new Set(replicas.filter(r => workerHosts.has(r.host.id)).map(r => r.id))
  const line: string[] = []
  for (const kind of ['node', 'browser'] as const) {
    const stats = result.stats.filter(s => kindOf.get(s.replicaId) === kind)
    if (stats.length === 0) continue
    const propagation = kind === 'node' ? mergedNodeDelivery(stats, id => inWorker.has(id), workers) : historyFigures(stats).propagation
    recorder.histogram(kind === 'node' ? 'nodePropagationMs' : 'browserPropagationMs', propagation)
    line.push(`${kind} delivery p95 ${propagation.percentile(95).toFixed(1)} ms (${propagation.count} samples)`)
  }
  if (recorder.requires('acks', 'opErrorRate')) {
    const acking = historyFigures(result.stats.filter(s => s.ackMode === 'ack'))
    if (acking.writes === 0 && result.history.writes > 0) recorder.notMeasurable('opErrorRate', 'acks', 'the target sent no durable-write acks, so no write can be counted as failed')
    else recorder.figure('opErrorRate', acking.writes === 0 ? 0 : 1 - acking.acked.size / acking.writes)
  }
  // Raw RSS growth is not judged (documents grow with their data): endSessions judges the server per closed connection.
  if (before?.rssBytes !== undefined && after?.rssBytes !== undefined) line.push(`server RSS ${mb(before.rssBytes)} → ${mb(after.rssBytes)}`)
  if (recorder.requires('server-heap', 'serverHeapStartBytes', 'serverHeapEndBytes', 'serverHeapGrowthPct', 'serverHeapGrowthBytesPerWrite') && before?.heapBytes !== undefined && after?.heapBytes !== undefined) {
    recorder.figure('serverHeapStartBytes', before.heapBytes)
    recorder.figure('serverHeapEndBytes', after.heapBytes)
    recorder.figure('serverHeapGrowthPct', growthPct(before.heapBytes, after.heapBytes))
    // Documents stay loaded through the hold and keep every write: this tells data from a leak.
    if (result.history.writes > 0) recorder.figure('serverHeapGrowthBytesPerWrite', (after.heapBytes - before.heapBytes) / result.history.writes)
    line.push(`heap after GC ${mb(before.heapBytes)} → ${mb(after.heapBytes)}`)
  }
  recorder.mark(`sessions: ${line.join('; ')}`)
}
