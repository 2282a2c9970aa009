/**
 * @crash: SIGKILL the server while replicas write. The writers are closed
 * right after the kill, so nothing can upload their edits again: every write
 * the server acknowledged (without acks: that another replica saw) must come
 * back from its disk alone, as fresh replicas see it after the restart.
 *
 * @module scenarios/crash
 */
import { z } from 'zod'
import { faultAt, faultInsideWorkload, faultInsideWorkloadMessage, workloadScenario } from './base.ts'
import type { ReplicaStats } from '../client/harness/api.ts'
import type { Recorder } from '../fixtures/recorder.ts'
import type { Replica, Swarm } from '../fixtures/swarm.ts'
import type { Target } from '../fixtures/target.ts'
import type { Fault, Workload } from '../fixtures/workload.ts'

export const crashSettings = workloadScenario.extend({
  /** When the server is killed, from the first op. */
  faultAtMs: faultAt,
  /** How long the server stays down after the writers are closed. */
  downMs: z.number().int().min(0).default(1_000)
}).refine(faultInsideWorkload, faultInsideWorkloadMessage)

/** Stops the target with `signal` (SIGKILL: a crash; SIGTERM: a graceful stop), as a fault of the workload's timeline; it stays down until `target.start()`. */
export const serverKill = (target: Target, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Fault => ({
  name: `${signal} the server`,
  inject: async () => {
    const at = Date.now()
    await target.kill(signal)
    return { name: signal, faultAt: at, healedAt: at }
  }
})
export type CrashSettings = z.infer<typeof crashSettings>

/**
 * The writes and the fault: the writers write, the server is killed at
 * `faultAtMs` (with SIGTERM: stopped gracefully, as @rejoin's restart does),
 * every writer is closed once the workload ends, and the server starts again
 * on its data after `downMs`.
 * @return {Promise<ReplicaStats[]>} the writers' histories: the writes that must have survived
 */
export const writeThroughCrash = async ({ swarm, workload, target, recorder }: { swarm: Swarm, workload: Workload, target: Target, recorder: Recorder }, settings: CrashSettings, writers: Replica[], signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<ReplicaStats[]> => {
  await workload.run(writers, settings, { at: [[settings.faultAtMs, serverKill(target, signal)]] })
  const stats = await swarm.stats(writers)
  recorder.mark(`close all ${writers.length} writers, so only the server's disk holds their edits`)
  await swarm.closeReplicas(writers)
  await new Promise(resolve => setTimeout(resolve, settings.downMs))
  await target.start()
  return stats
}

/** Fresh replicas, one in a page and one in Node, that load the document after the restart. */
export const spawnCheckers = async (swarm: Swarm): Promise<Replica[]> =>
  (await swarm.spawn({ swarm: { contexts: 1, pagesPerContext: 1, replicasPerPage: 1, nodeReplicas: 1 } }, { label: 'checker' })).replicas
