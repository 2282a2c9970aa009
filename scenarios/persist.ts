/**
 * @persist: reload persistence (DESIGN §5 "Page: reload, offline edits"). The
 * replicas of the swarm's first page persist to the scenario's store and go
 * through two cycles, while every other replica keeps writing online:
 *
 *   online   everyone writes; the page's replicas get their acks
 *   offline  the page's replicas are cut off at TCP level (chaos proxy
 *            blackhole both ways, holding nothing: a byte sent resets the
 *            connection, as with the network interface down), and keep
 *            writing: their offline edits exist only in their store
 *
 * Each cycle ends the same way: with the page still cut off, the local store
 * must finish every queued write, then the page is really reloaded
 * (`page.reload()`), each replica reconnects with the same replicaId and
 * store, and, before the network can answer, its doc must hold every op id it
 * held before the reload, at the same digest (oracle/restore.ts). Then the
 * link heals, the page resyncs, and at the end the oracle checks that
 * everyone converged with every op the page wrote (acknowledged or offline)
 * present everywhere: lost = 0. A client without a local store cannot take
 * part: the test is skipped with that reason.
 *
 * Figures: persistRestoreMs (reload start → doc restored, per replica and
 * reload), persistResyncMs (heal → synced), persistNotRestored (restores that
 * missed an op id, changed the digest or came after network traffic),
 * persistOfflineWrites, plus the convergence figures and storePersistMs.
 *
 * @module scenarios/persist
 */
import type { Page } from '@playwright/test'
import { z } from 'zod'
import { browserStoreSchema, workloadScenario } from './base.ts'
import type { ReplicaStats } from '../client/harness/api.ts'
import { historyFigures } from '../oracle/figures.ts'
import { restoreProblem, type ReplicaSnapshot } from '../oracle/restore.ts'
import { LatencyHistogram } from '../metrics/histogram.ts'
import type { Faults } from '../fixtures/faults.ts'
import type { Recorder } from '../fixtures/recorder.ts'
import type { Replica, ReplicaConnectOptions, Swarm } from '../fixtures/swarm.ts'
import type { Workload } from '../fixtures/workload.ts'
import { log } from '../fixtures/support/log.ts'

export const persistSettings = workloadScenario.extend({
  store: browserStoreSchema.default('auto')
}).refine(s => s.swarm.contexts >= 1, { message: 'reloading needs a browser page: set swarm.contexts to 1 or more', path: ['swarm', 'contexts'] })
export type PersistSettings = z.infer<typeof persistSettings>

const pollMs = 50

/** A restore that lost something, or came after the network answered. */
export interface RestoreProblem { replicaId: string, problem: string }

/** What one run of the scenario collects across its cycles. */
export interface PersistRun {
  /** The replicas of the first page: they reload. */
  page: Replica[]
  restoreMs: LatencyHistogram
  resyncMs: LatencyHistogram
  /** The page replicas' stats just before each reload (a reload starts their histories afresh). */
  before: ReplicaStats[]
  problems: RestoreProblem[]
}

/** @param {Replica[]} replicas the swarm; the first page's replicas are the ones that reload */
export const persistRun = (replicas: Replica[]): PersistRun => ({
  page: replicas.filter(r => r.host === replicas[0]!.host),
  restoreMs: new LatencyHistogram(),
  resyncMs: new LatencyHistogram(),
  before: [],
  problems: []
})

const waitStoreIdle = async (swarm: Swarm, replicas: Replica[], timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const pending = (await swarm.stats(replicas)).filter(s => (s.storePending ?? 0) > 0)
    if (pending.length === 0) return
    if (Date.now() >= deadline) throw new Error(`the store of ${pending.map(s => `${s.replicaId} (${s.storePending} write(s))`).join(', ')} did not finish writing within ${timeoutMs} ms: the store is stuck, so a reload would lose edits.`)
    await new Promise(resolve => setTimeout(resolve, pollMs))
  }
}

/**
 * The edits of one cycle, ending with the page cut off: online, everyone
 * writes and the page waits for its acks, then is cut off; offline, the page
 * is cut off first and everyone writes.
 */
export const editCycle = async ({ swarm, workload, faults, recorder }: { swarm: Swarm, workload: Workload, faults: Faults, recorder: Recorder }, settings: PersistSettings, replicas: Replica[], run: PersistRun, offline: boolean, ackDeadlineMs: number): Promise<void> => {
  if (!offline) {
    await workload.run(replicas, settings)
    // A target without acks cannot be waited on; the page's writes are required at the end either way.
    if ((await swarm.stats(run.page)).every(st => st.ackMode !== 'no-ack')) await Promise.all(run.page.map(async r => { await r.host.call('waitAcked', r.id, ackDeadlineMs) }))
  }
  recorder.mark(`cut ${run.page.length} replica(s) of ${run.page[0]!.host.id} off (blackhole both ways, holding nothing)`)
  const clients = run.page.map(r => r.id)
  // A held byte would reach the server at the heal, even after the reload: the page must be really offline.
  const unreachable = { holdMaxBytes: 0 }
  await faults.inject({ type: 'blackhole', name: 'persist-up', stream: 'upstream', clients, attributes: unreachable })
  await faults.inject({ type: 'blackhole', name: 'persist-down', stream: 'downstream', clients, attributes: unreachable })
  if (offline) await workload.run(replicas, settings)
}

/**
 * Reloads the page, still cut off, once its store is idle: each replica
 * reconnects with its id, store and room, and must restore what it held
 * before the network answers.
 * @param beforeReload runs on the page right before the reload: the detector self-tests break the client with it
 */
export const reloadCycle = async ({ swarm, recorder }: { swarm: Swarm, recorder: Recorder }, settings: PersistSettings, run: PersistRun, connect: ReplicaConnectOptions & { url: string }, cycle: string, storeTimeoutMs: number, beforeReload?: (page: Page) => Promise<void>): Promise<void> => {
  await waitStoreIdle(swarm, run.page, storeTimeoutMs)
  const snapshot = async (r: Replica): Promise<ReplicaSnapshot> => ({ stats: (await swarm.stats([r]))[0]!, opIds: await r.host.call('opIds', r.id), digest: await r.host.call('digest', r.id) })
  const snapshots = await Promise.all(run.page.map(snapshot))
  run.before.push(...snapshots.map(s => s.stats))
  if (cycle === 'offline edits') recorder.figure('persistOfflineWrites', historyFigures(snapshots.map(s => s.stats)).writes)
  const host = run.page[0]!.host
  const page = swarm.pages().find(p => p.hostId === host.id)?.page
  if (page === undefined) throw new Error(`replica host ${host.id} is not a browser page of this swarm: only browser replicas can be reloaded.`)
  await beforeReload?.(page)
  const reloadedAt = Date.now()
  await page.reload()
  await page.waitForFunction(() => typeof (window as unknown as { syncstorm?: unknown }).syncstorm === 'object', undefined, { timeout: 15_000 })
  const loadedAt = Date.now()
  await Promise.all(run.page.map(async r => { await host.call('connect', { ...connect, replicaId: r.id, docName: r.room }) }))
  log(`persist: reloaded ${host.id} in ${loadedAt - reloadedAt} ms, its replicas restored from their stores in ${Date.now() - loadedAt} ms`)
  for (const [i, replica] of run.page.entries()) {
    const after = await snapshot(replica)
    const restored = after.stats.restoredFromStore
    if (restored !== undefined) run.restoreMs.record(restored.at - reloadedAt)
    const problem = restoreProblem(snapshots[i]!, after)
    if (problem !== undefined) run.problems.push({ replicaId: replica.id, problem: `after ${cycle}: ${problem}` })
  }
  recorder.mark(`reload: ${run.page.length} replica(s) restored from ${settings.store} before the network; ${run.problems.length} problem(s) so far`)
}

/** Heals the link and waits for the reloaded replicas to resync. */
export const healCycle = async ({ faults }: { faults: Faults }, run: PersistRun, syncTimeoutMs: number): Promise<void> => {
  const healedAt = await faults.heal()
  await Promise.all(run.page.map(async r => {
    await r.host.call('waitSynced', r.id, syncTimeoutMs)
    run.resyncMs.record(Date.now() - healedAt)
  }))
}

/** The reload figures; every incomplete restore is a failure, named. */
export const recordPersist = (recorder: Recorder, run: PersistRun): void => {
  recorder.histogram('persistRestoreMs', run.restoreMs)
  recorder.histogram('persistResyncMs', run.resyncMs)
  recorder.figure('persistNotRestored', run.problems.length)
  for (const { replicaId, problem } of run.problems) recorder.fail(`reload persistence: replica ${replicaId}: ${problem}`)
}
