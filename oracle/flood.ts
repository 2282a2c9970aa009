/**
 * Connection flood figures, from the replicas' connection events. Pure.
 *
 * @module oracle/flood
 */
import type { ReplicaStats } from '../client/harness/api.ts'
import type { LatencyHistogram } from '../metrics/histogram.ts'
import { firstSyncMs } from './figures.ts'

export interface FloodFigures {
  /** Per replica, from its first `connecting` to its first `synced`. */
  connectMs: LatencyHistogram
  /** Replicas that did not sync in time, plus closes before their first sync. */
  errors: Array<{ replicaId: string, reason: string }>
}

/**
 * @param {ReplicaStats[]} stats
 * @param {ReadonlyMap<string, string>} unsynced replica id -> why its first sync timed out or failed
 * @return {FloodFigures}
 */
export const floodFigures = (stats: ReplicaStats[], unsynced: ReadonlyMap<string, string>): FloodFigures => {
  const errors = [...unsynced].map(([replicaId, reason]) => ({ replicaId, reason }))
  for (const s of stats) {
    const synced = s.connection.find(e => e.state === 'synced')
    const failedFirst = s.connection.filter(e => e.state === 'closed' && (synced === undefined || e.t < synced.t))
    errors.push(...failedFirst.map(e => ({ replicaId: s.replicaId, reason: e.reason })))
  }
  return { connectMs: firstSyncMs(stats), errors }
}
