/**
 * @rejoin: the last one out (DESIGN §5). Replicas write in several rooms at
 * once; then every replica of every room settles (its writes acknowledged,
 * its room's replicas holding one document) and leaves. The rooms stay
 * empty for `emptyMs`, one test per value: long enough for a server to
 * unload them, and for one that acknowledged writes before its debounced
 * save to drop them with the unload (Hocuspocus #995). Then fresh replicas
 * join every room and must find every acknowledged write.
 *
 * The same check after a graceful restart: SIGTERM at `faultAtMs` while the
 * replicas write, every writer closed, the server started again on its data
 * after `downMs` (scenarios/crash.ts does this with SIGKILL).
 *
 * Figures: `rejoinWrites`, `rejoinRequiredOps` (of those, the writes that
 * must survive), `rejoinEmptyMs`, `rejoinSyncMs` (a fresh replica's connect
 * to its first sync of a room that emptied), and the oracle's `lostOps`.
 *
 * @module scenarios/rejoin
 */
import { z } from 'zod'
import { faultAt, faultInsideWorkload, faultInsideWorkloadMessage, roomsSchema, workloadScenario } from './base.ts'
import type { ReplicaStats } from '../client/harness/api.ts'
import { acknowledgedWrites } from '../oracle/acknowledged.ts'
import { firstSyncMs, historyFigures } from '../oracle/figures.ts'
import { groupByRoom, roomCount } from '../oracle/rooms.ts'
import type { OracleResult } from '../fixtures/oracle.ts'
import type { Recorder } from '../fixtures/recorder.ts'
import type { Replica, Swarm } from '../fixtures/swarm.ts'
import type { Profile } from '../profiles/schema.ts'
import { within } from '../fixtures/support/within.ts'

export const rejoinSettings = workloadScenario.extend({
  rooms: roomsSchema.default({ perRoom: 2, spread: 'round-robin' }),
  /** How long every room stays empty before fresh replicas join: one test per value. */
  emptyMs: z.array(z.number().int().min(0).max(600_000)).min(1)
    .refine(values => new Set(values).size === values.length, 'emptyMs values must differ: each is a test of its own')
    .default([0, 3_000]),
  /** The graceful restart: when the server gets SIGTERM, from the first op. */
  faultAtMs: faultAt,
  /** How long the server stays down after the writers are closed. */
  downMs: z.number().int().min(0).default(500)
}).refine(faultInsideWorkload, faultInsideWorkloadMessage)
export type RejoinSettings = z.infer<typeof rejoinSettings>

const pollMs = 100
/** A replica call gets this long beyond its own wait before it counts as hung. */
const callGraceMs = 5_000

/**
 * Every replica settles, then all of them leave: waits (up to the profile's
 * ack deadline) until each one's writes are acknowledged, and (up to its
 * convergence deadline) until each room's replicas hold one document. Without
 * acks that agreement is how the suite knows the server relayed, so held,
 * every write. A write still unsettled then is not required afterwards.
 * @return {Promise<ReplicaStats[]>} the leavers' histories, taken before they closed
 */
export const settleAndLeave = async ({ swarm, recorder }: { swarm: Swarm, recorder: Recorder }, profile: Profile, writers: Replica[]): Promise<ReplicaStats[]> => {
  await Promise.all(writers.map(async r => {
    await within(r.host.call('waitAcked', r.id, profile.ackDeadlineMs), profile.ackDeadlineMs + callGraceMs, `replica ${r.id}`).catch(() => {})
  }))
  const rooms = [...groupByRoom(writers, r => r.room).values()]
  const agreed = async (members: Replica[]): Promise<boolean> =>
    new Set(await Promise.all(members.map(async r => await within(r.host.call('digest', r.id), callGraceMs, `replica ${r.id}`)))).size === 1
  const settleBy = Date.now() + profile.convergenceDeadlineMs
  let pending = rooms
  while (pending.length > 0 && Date.now() < settleBy) {
    const done = await Promise.all(pending.map(agreed))
    pending = pending.filter((_, i) => !done[i])
    if (pending.length > 0) await new Promise(resolve => setTimeout(resolve, pollMs))
  }
  if (pending.length > 0) recorder.mark(`${pending.length} of ${rooms.length} room(s) still disagreed after ${profile.convergenceDeadlineMs} ms: their last writes may not be required`)
  const stats = await swarm.stats(writers)
  recorder.mark(`every replica of ${rooms.length} room(s) leaves: ${writers.length} replica(s) closed`)
  await swarm.closeReplicas(writers)
  return stats
}

/** The rooms stay empty: nobody connects to them for `emptyMs`. */
export const stayEmpty = async (recorder: Recorder, emptyMs: number): Promise<void> => {
  recorder.figure('rejoinEmptyMs', emptyMs)
  await new Promise(resolve => setTimeout(resolve, emptyMs))
}

/**
 * Fresh replicas, one in a page and one in Node per room of the writers:
 * the writers' room names, as `count` round-robin rooms deal them.
 */
export const spawnJoiners = async (swarm: Swarm, settings: RejoinSettings): Promise<Replica[]> => {
  const { contexts, pagesPerContext, replicasPerPage, nodeReplicas } = settings.swarm
  const rooms = roomCount(contexts * pagesPerContext * replicasPerPage + nodeReplicas, settings.rooms)
  const { replicas } = await swarm.spawn({
    swarm: { contexts: 1, pagesPerContext: 1, replicasPerPage: rooms, nodeReplicas: rooms },
    rooms: { count: rooms, spread: 'round-robin' }
  }, { label: 'joiner' })
  return replicas
}

/**
 * The writes the leavers made and had to keep; a run in which none was
 * acknowledged proves nothing: a suite error.
 */
export const recordLeavers = (recorder: Recorder, left: ReplicaStats[]): void => {
  const required = acknowledgedWrites(left, new Set()).size
  recorder.figure('rejoinWrites', historyFigures(left).writes)
  recorder.figure('rejoinRequiredOps', required)
  if (required === 0) recorder.error('no write was acknowledged (or seen by another replica) before the replicas left: the rejoin proves nothing')
}

/** How long the joiners took to load their rooms, from the oracle's stats. */
export const recordJoiners = (recorder: Recorder, joiners: Replica[], result: OracleResult): void => {
  const ids = new Set(joiners.map(j => j.id))
  recorder.histogram('rejoinSyncMs', firstSyncMs(result.stats.filter(s => ids.has(s.replicaId))))
}
