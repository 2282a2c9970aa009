/**
 * @flood: a connection flood. Many replicas (Node replicas, usually) open
 * their connections all at once, as after a deploy or an outage; then a
 * short workload and the convergence check. Measures each replica's time to
 * its first sync and the connections that failed (closed before a first sync,
 * or never synced).
 *
 * @module scenarios/flood
 */
import { workloadScenario, type WorkloadSettings } from './base.ts'
import type { Recorder } from '../fixtures/recorder.ts'
import type { Replica, Swarm } from '../fixtures/swarm.ts'
import { floodFigures } from '../oracle/flood.ts'

export const floodSettings = workloadScenario

/**
 * Every replica of the plan connects at once; records the flood figures.
 * @return {Promise<Replica[]>} the replicas, synced or not
 */
export const flood = async ({ swarm, recorder }: { swarm: Swarm, recorder: Recorder }, settings: WorkloadSettings, syncTimeoutMs: number): Promise<Replica[]> => {
  const startedAt = Date.now()
  const { replicas, unsynced } = await recorder.measure('flood', async () =>
    await swarm.spawn(settings, { label: 'flood', connectBatch: Number.POSITIVE_INFINITY, waitSynced: { timeoutMs: syncTimeoutMs, onTimeout: 'collect' } }))
  recorder.figure('floodWallMs', Date.now() - startedAt)
  const { connectMs, errors } = floodFigures(await swarm.stats(replicas), unsynced)
  recorder.histogram('floodConnectMs', connectMs)
  recorder.figure('floodConnectErrors', errors.length)
  recorder.figure('floodUnsynced', unsynced.size)
  const s = connectMs.summary()
  recorder.mark(`flood: ${replicas.length - unsynced.size}/${replicas.length} synced in ${Date.now() - startedAt} ms (p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, max ${s.max.toFixed(0)} ms), ${errors.length} connection error(s)${errors.length === 0 ? '' : `: ${errors.slice(0, 3).map(e => `${e.replicaId} (${e.reason})`).join(', ')}`}`)
  return replicas
}
