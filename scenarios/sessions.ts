/**
 * @sessions: hybrid load after a real-world load test plan. Many short
 * collaborative sessions (rooms of `rooms.perRoom` participants, 2 by
 * default) carried by Node protocol replicas, while a few browser replicas in
 * sessions of their own measure what users see. Node replicas connect in
 * bounded parallel batches with progress lines; the workload (replica
 * classes) runs for `durationMs` (the hold); then every session is checked
 * room by room against the server's copy of its document.
 *
 * Figures: `sessions`, `nodePropagationMs` and `browserPropagationMs`
 * (delivery, separately), `opErrorRate` (writes not acknowledged by the ack
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
import { z } from 'zod'
import { roomsSchema, swarmShapeSchema, workloadScenario } from './base.ts'
import { firstSyncMs, historyFigures } from '../oracle/figures.ts'
import { roomCount } from '../oracle/rooms.ts'
import type { OracleResult } from '../fixtures/oracle.ts'
import type { Recorder } from '../fixtures/recorder.ts'
import type { Replica, Swarm } from '../fixtures/swarm.ts'
import type { Target } from '../fixtures/target.ts'
import type { Profile } from '../profiles/schema.ts'
import { ServerProbe, type ServerSample } from '../fixtures/support/server-heap.ts'
import { hasServerHeap } from '../fixtures/support/target-spec.ts'
import { slopeVerdict, type Point } from '../metrics/leak.ts'
import { deriveSeed } from '../workload/prng.ts'

export const sessionsSettings = workloadScenario.extend({
  rooms: roomsSchema.default({ perRoom: 2, spread: 'fill' }),
  /** Node replicas connected in parallel per batch. */
  connectBatch: z.number().int().positive().default(100),
  /** The browser replicas measuring what users see, in sessions (rooms) of their own. */
  browserSwarm: swarmShapeSchema.optional()
})
export type SessionsSettings = z.infer<typeof sessionsSettings>

/** Sockets the runner needs besides the sessions (browsers, the server's admin calls, Playwright). */
const fdReserve = 1_000

/** The runner's open-file limit (`ulimit -n`), or undefined where the shell cannot tell. */
const openFileLimit = (): number | undefined => {
  try {
    const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()
    return text === 'unlimited' ? Infinity : Number(text)
  } catch {
    return undefined
  }
}

/** Pure: growth of `end` over `start` in percent. */
export const growthPct = (start: number, end: number): number => start <= 0 ? 0 : 100 * (end - start) / start

/** Before connecting: one sentence when this runner cannot hold the sessions' sockets. */
export const checkOpenFiles = (settings: SessionsSettings): void => {
  const limit = openFileLimit()
  const sockets = settings.swarm.nodeReplicas
  if (limit !== undefined && sockets + fdReserve > limit) {
    throw new Error(`${roomCount(sockets, settings.rooms)} sessions need ${sockets} sockets in the runner (and in the server) but ulimit -n is ${limit}: raise it (ulimit -n ${sockets + fdReserve * 2}) or lower STRESS_SESSIONS.`)
  }
}

/** Node sessions, then browser sessions in rooms of their own; records the connect figures. */
export const connectSessions = async ({ swarm, recorder }: { swarm: Swarm, recorder: Recorder }, settings: SessionsSettings, syncTimeoutMs: number): Promise<Replica[]> => {
  const startedAt = Date.now()
  const node = await swarm.spawn({ ...settings, swarm: { ...settings.swarm, contexts: 0 } }, {
    label: 'sess', roomPrefix: 'n', connectBatch: settings.connectBatch, waitSynced: { timeoutMs: syncTimeoutMs, onTimeout: 'collect' }
  })
  recorder.figure('sessionConnectWallMs', Date.now() - startedAt)
  recorder.histogram('sessionConnectMs', firstSyncMs(await swarm.stats(node.replicas)))
  recorder.figure('sessionConnectErrors', node.unsynced.size)
  if (node.unsynced.size > 0) recorder.mark(`sessions: ${node.unsynced.size} Node replica(s) did not sync: ${[...node.unsynced].slice(0, 3).map(([id, why]) => `${id} (${why})`).join(', ')}`)
  const browser = settings.browserSwarm === undefined || settings.browserSwarm.contexts === 0
    ? []
    : (await swarm.spawn({ ...settings, swarm: settings.browserSwarm }, { label: 'sess', roomPrefix: 'b' })).replicas
  const nodeSessions = roomCount(node.replicas.length, settings.rooms)
  recorder.figure('sessions', nodeSessions + (browser.length === 0 ? 0 : roomCount(browser.length, settings.rooms)))
  recorder.figure('nodeReplicas', node.replicas.length)
  recorder.figure('browserReplicas', browser.length)
  return [...node.replicas, ...browser]
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

/** Delivery per kind of replica (of `replicas`), the op error rate, and the server's growth over the hold. */
export const recordSessions = (recorder: Recorder, replicas: Replica[], result: OracleResult, before: ServerSample | undefined, after: ServerSample | undefined): void => {
  const kindOf = new Map(replicas.map(r => [r.id, r.host.kind]))
  const line: string[] = []
  for (const kind of ['node', 'browser'] as const) {
    const stats = result.stats.filter(s => kindOf.get(s.replicaId) === kind)
    if (stats.length === 0) continue
    const propagation = historyFigures(stats).propagation
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
