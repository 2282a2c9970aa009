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
 * deadline / writes), the server's RSS and post-GC heap at the start and end
 * of the hold (`serverRss*`, `serverHeap*`, `serverHeapGrowthBytesPerWrite`),
 * `sessionConnectMs`, `sessionConnectWallMs`, `sessionConnectErrors`.
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
import { sampleServer, type ServerSample } from '../fixtures/support/server-heap.ts'

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

/** The server's RSS and post-GC heap around the hold: a sample before, one after. */
export const sampleServerAround = async <T>(target: Target, hold: () => Promise<T>): Promise<{ result: T, before?: ServerSample, after?: ServerSample }> => {
  const before = await sampleServer(target)
  const result = await hold()
  return { result, before, after: await sampleServer(target) }
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
  const rss = [before?.gauges.rssBytes, after?.gauges.rssBytes]
  if (rss[0] === undefined || rss[1] === undefined) {
    for (const figure of ['serverRssStartBytes', 'serverRssEndBytes', 'serverRssGrowthPct'] as const) recorder.notMeasurable(figure, 'server-metrics', 'the target exposes no process_resident_memory_bytes in /metrics at the start and end of the hold')
  } else {
    recorder.figure('serverRssStartBytes', rss[0])
    recorder.figure('serverRssEndBytes', rss[1])
    recorder.figure('serverRssGrowthPct', growthPct(rss[0], rss[1]))
    line.push(`server RSS ${mb(rss[0])} → ${mb(rss[1])}`)
  }
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
