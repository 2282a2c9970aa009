/**
 * Store latency under load: how long each replica's local store took to make
 * one update durable while the swarm ran. The oracle records it for every
 * scenario whose replicas use a store. Pure.
 *
 *   storePersistMs   one sample = one `append` of one Yjs update to the
 *                    replica's store, timed inside the replica (the time
 *                    waiting in its write queue is not included)
 *   storeCompactMs   one sample = one compaction (every 200 appends)
 *   storePersistWorstP95Ms  the highest per-replica p95 of storePersistMs
 *                    (one slow replica hides in the merged histogram)
 *
 * @module oracle/store-latency
 */
import type { ReplicaStats } from '../client/harness/api.ts'
import { LatencyHistogram } from '../metrics/histogram.ts'

/**
 * Pure: one histogram per store op over every replica's timings.
 * @param {ReplicaStats[]} stats
 * @return {{ append: LatencyHistogram, compact: LatencyHistogram }} empty histograms when no replica used a store
 */
export const storeLatencyHistograms = (stats: ReplicaStats[]): { append: LatencyHistogram, compact: LatencyHistogram } => {
  const append = new LatencyHistogram()
  const compact = new LatencyHistogram()
  for (const replica of stats) {
    for (const timing of replica.storeTimings) {
      if (timing.op === 'append') append.record(timing.ms)
      else if (timing.op === 'compact') compact.record(timing.ms)
    }
  }
  return { append, compact }
}

/**
 * @param {ReplicaStats[]} stats
 * @return {number | undefined} the highest per-replica p95 of appends; undefined when no replica appended
 */
export const worstAppendP95 = (stats: ReplicaStats[]): number | undefined => {
  const p95s = stats.map(s => storeLatencyHistograms([s]).append).filter(h => h.count > 0).map(h => h.percentile(95))
  return p95s.length === 0 ? undefined : Math.max(...p95s)
}
