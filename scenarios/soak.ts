/**
 * @soak: a long production soak (DESIGN §5 "soak"). Every replica runs the
 * seeded 40/30/15/15 mix at `ratePerReplica` (1 op/s) for `durationMs`, while
 * the `heap` fixture samples every page and the server after a forced GC
 * (the one scenario that exists to judge leaks). The workload runs in chunks
 * of one heap interval, so the ops axis of the leak fit is exact and a live
 * status line (uptime, ops, success rate, reconnects, heap) is printed after
 * each. After each chunk the figures so far are written to
 * `soak-partial.json` in the test's output folder: a soak stopped early
 * still leaves a readable partial report.
 *
 * Contexts are not recycled: a leak verdict here is the page's own growth
 * over one long-lived context (recorded in the timeline).
 *
 * @module scenarios/soak
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { workloadScenario, type WorkloadSettings } from './base.ts'
import type { ReplicaStats } from '../client/harness/api.ts'
import type { Heap } from '../fixtures/heap.ts'
import type { Recorder } from '../fixtures/recorder.ts'
import type { Replica, Swarm } from '../fixtures/swarm.ts'
import type { Workload } from '../fixtures/workload.ts'
import { toJson } from '../metrics/test-metrics.ts'
import { log } from '../fixtures/support/log.ts'

export const soakSettings = workloadScenario

export interface SoakStatus {
  uptimeMs: number
  ops: number
  writes: number
  acked: number
  /** Writes acknowledged / writes invoked so far (1 with no writes yet); undefined when the target sends no acks. */
  successRate: number | undefined
  reconnects: number
  /** Latest post-GC heap: the largest page's, and the server's. */
  clientHeapBytesMax: number | undefined
  serverHeapBytes: number | undefined
}

/** Pure: the live figures from the replicas' stats. */
export const soakStatus = (stats: ReplicaStats[], uptimeMs: number, ops: number, heap: ReturnType<Heap['status']>): SoakStatus => {
  const writes = stats.flatMap(s => s.history.filter(op => op.kind !== 'read'))
  const acked = writes.filter(op => op.ackedAt !== undefined).length
  const clientBytes = Object.values(heap.clientBytes)
  return {
    uptimeMs, ops, writes: writes.length, acked,
    successRate: stats.length > 0 && stats.every(s => s.ackMode === 'no-ack') ? undefined : writes.length === 0 ? 1 : acked / writes.length,
    reconnects: stats.reduce((n, s) => n + s.reconnectAttempts, 0),
    clientHeapBytesMax: clientBytes.length === 0 ? undefined : Math.max(...clientBytes),
    serverHeapBytes: heap.serverBytes
  }
}

const mib = (bytes: number | undefined): string => bytes === undefined ? 'n/m' : `${(bytes / 1_048_576).toFixed(1)} MiB`
const clock = (ms: number): string => {
  const s = Math.floor(ms / 1000)
  return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

/** One status line, as the soak prints it. */
export const formatSoakStatus = (s: SoakStatus): string =>
  `soak: uptime ${clock(s.uptimeMs)}, ops ${s.ops}, success ${s.successRate === undefined ? `n/m (no acks, ${s.writes} writes)` : `${(s.successRate * 100).toFixed(2)}% (${s.acked}/${s.writes} acked)`}, reconnects ${s.reconnects}, heap max page ${mib(s.clientHeapBytesMax)}, server ${mib(s.serverHeapBytes)}`

/**
 * Runs the soak's workload in chunks of one heap interval, printing a status
 * line and rewriting `partialPath` after each.
 * @return {Promise<number>} ops run
 */
export const soak = async ({ swarm, workload, recorder, heap }: { swarm: Swarm, workload: Workload, recorder: Recorder, heap: Heap }, settings: WorkloadSettings, replicas: Replica[], chunkMs: number, partialPath: string): Promise<number> => {
  let ops = 0
  heap.countOps(() => ops)
  recorder.mark(`soak: ${replicas.length} replica(s) at ${settings.ratePerReplica} op/s for ${settings.durationMs} ms, heap every ${chunkMs} ms; contexts are not recycled; partial figures in ${partialPath}`)
  const startedAt = Date.now()
  const chunks = Math.ceil(settings.durationMs / chunkMs)
  for (let chunk = 0; chunk < chunks; chunk++) {
    const run = await workload.run(replicas, { ...settings, durationMs: Math.min(chunkMs, settings.durationMs - chunk * chunkMs) })
    ops += run.ran
    const status = soakStatus(await swarm.stats(replicas), Date.now() - startedAt, ops, heap.status())
    log(formatSoakStatus(status))
    await fs.mkdir(path.dirname(partialPath), { recursive: true })
    await fs.writeFile(partialPath, toJson({ complete: chunk === chunks - 1, status, figures: recorder.metrics.figures, timeline: recorder.metrics.timeline, series: heap.snapshotSeries() }))
  }
  recorder.figure('soakUptimeMs', Date.now() - startedAt)
  return ops
}
