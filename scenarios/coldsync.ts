/**
 * @coldsync: fresh replicas load a large document. A preloader (a replica of
 * the client under test, spawned like any other) writes `preloadItems` todos;
 * the scenario then requires the target to hold all of them: with acks,
 * every preload write acknowledged; without, a second client loading all of
 * them from the server. A target that keeps only part of the preload fails
 * here, with the count, and every preloaded op id stays required at the
 * oracle: a fresh replica missing one is a lost write.
 *
 * @module scenarios/coldsync
 */
import { z } from 'zod'
import { swarmScenario } from './base.ts'
import type { ReplicaStats } from '../client/harness/api.ts'
import type { WorkloadOp } from '../model/todo-doc.ts'
import { firstSyncMs } from '../oracle/figures.ts'
import type { Recorder } from '../fixtures/recorder.ts'
import type { Replica, Swarm } from '../fixtures/swarm.ts'

export const coldsyncSettings = swarmScenario.extend({
  /** Todos preloaded on the target before the fresh replicas join. */
  preloadItems: z.number().int().positive().default(1_000),
  /** Ops per apply call of the preloader. */
  preloadBatch: z.number().int().positive().default(500),
  /** How long the target may take to acknowledge (or, without acks, to serve) the whole preload. */
  preloadTimeoutMs: z.number().int().positive().default(30_000),
  /** How long a fresh replica may take to load the document. */
  loadTimeoutMs: z.number().int().positive().default(60_000)
})
export type ColdsyncSettings = z.infer<typeof coldsyncSettings>

export interface Preload {
  /** The preloader's history (it is closed): its writes are required at the oracle. */
  preloader: ReplicaStats
  opIds: string[]
}

/**
 * Preloads the document and makes sure the target holds all of it; a target
 * that does not is a failure with the count (the oracle then names the ops).
 */
export const preload = async (swarm: Swarm, recorder: Recorder, settings: ColdsyncSettings): Promise<Preload> => {
  const { replicas: [loader] } = await swarm.spawn({ swarm: { contexts: 0, pagesPerContext: 1, replicasPerPage: 1, nodeReplicas: 1 } }, { label: 'preloader' })
  const opIds = Array.from({ length: settings.preloadItems }, (_, i) => `${loader!.id}:${i}`)
  for (let i = 0; i < opIds.length; i += settings.preloadBatch) {
    const ops: WorkloadOp[] = opIds.slice(i, i + settings.preloadBatch).map((opId, j) => ({ kind: 'create', opId, todoId: `pre-${i + j}`, title: `preloaded todo ${i + j} ${'x'.repeat(40)}` }))
    await loader!.host.call('apply', loader!.id, ops)
  }
  const [stats] = await swarm.stats([loader!])
  if (stats!.ackMode === 'ack') {
    await loader!.host.call('waitAcked', loader!.id, settings.preloadTimeoutMs).catch(() => {})
    const [acked] = await swarm.stats([loader!])
    const count = acked!.history.filter(op => op.ackedAt !== undefined).length
    if (count < opIds.length) recorder.fail(`preload: the target acknowledged ${count} of ${opIds.length} preloaded writes within ${settings.preloadTimeoutMs} ms`)
  } else {
    // Without acks, the server holds the preload once a second client loads all of it.
    const { replicas: [checker] } = await swarm.spawn({ swarm: { contexts: 0, pagesPerContext: 1, replicasPerPage: 1, nodeReplicas: 1 } }, { label: 'preload-check' })
    const deadline = Date.now() + settings.preloadTimeoutMs
    let held = 0
    for (let polls = 0; polls < 100_000; polls++) {
      held = (await checker!.host.call('opIds', checker!.id)).length
      if (held >= opIds.length || Date.now() >= deadline) break
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    await swarm.closeReplicas([checker!])
    if (held < opIds.length) recorder.fail(`preload: the target holds ${held} of ${opIds.length} preloaded todos ${settings.preloadTimeoutMs} ms after they were written (no acks: a second client loaded them from the server)`)
  }
  const [preloader] = await swarm.stats([loader!])
  await swarm.closeReplicas([loader!])
  recorder.mark(`preloaded ${opIds.length} todos`)
  return { preloader: preloader!, opIds }
}

/** Fresh replicas join and load the document (a measured window); records how long and how many bytes it took. */
export const loadFresh = async ({ swarm, recorder }: { swarm: Swarm, recorder: Recorder }, settings: ColdsyncSettings, loaded: Preload): Promise<Replica[]> => {
  const { replicas } = await recorder.measure('cold load', async () => await swarm.spawn(settings, { label: 'cold', waitSynced: { timeoutMs: settings.loadTimeoutMs } }))
  const stats = await swarm.stats(replicas)
  recorder.histogram('coldLoadMs', firstSyncMs(stats))
  recorder.figure('coldLoadBytesPerReplica', stats.reduce((n, s) => n + s.bytesIn, 0) / Math.max(1, stats.length))
  recorder.figure('preloadItems', loaded.opIds.length)
  return replicas
}
