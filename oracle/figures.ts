/**
 * Figures of a run, computed from replica histories (DESIGN §4):
 * propagation latency = t(visible at B) − t(invoked at A) for every (op, observer) pair
 * where B had synced before A invoked the op,
 * ack latency = t(ack) − t(invoke), plus op counts and disconnects.
 * Pure: stats in, histograms and counts out.
 *
 * @module oracle/figures
 */
import type { ReplicaStats } from '../client/harness/api.ts'
import { LatencyHistogram } from '../metrics/histogram.ts'

export interface HistoryFigures {
  /** Op ids of every write invoked by any replica. */
  invoked: Set<string>
  /** Op ids of writes the target acknowledged. */
  acked: Set<string>
  /** 'ack' if every replica got acks, 'no-ack' if none did, 'mixed' otherwise. */
  ackMode: 'ack' | 'no-ack' | 'mixed' | 'unknown'
  propagation: LatencyHistogram
  ack: LatencyHistogram
  ops: number
  writes: number
  reads: number
  /** Writes still waiting for their ack. */
  unacked: number
  /** Socket closes seen by replicas (any cause). */
  disconnects: number
  reconnectAttempts: number
  bytesIn: number
  bytesOut: number
  errors: string[]
}

/**
 * @param {ReplicaStats[]} stats of every replica of the scenario
 * @return {HistoryFigures}
 */
export const historyFigures = (stats: ReplicaStats[]): HistoryFigures => {
  const invokedAt = new Map<string, number>()
  const acked = new Set<string>()
  const ack = new LatencyHistogram()
  let ops = 0
  let writes = 0
  let unacked = 0
  for (const replica of stats) {
    for (const record of replica.history) {
      ops++
      if (record.kind === 'read') continue
      writes++
      invokedAt.set(record.opId, record.invokedAt)
      if (record.ackedAt !== undefined) {
        acked.add(record.opId)
        ack.record(record.ackedAt - record.invokedAt)
      } else if (replica.ackMode === 'ack') {
        unacked++
      }
    }
  }
  const propagation = new LatencyHistogram()
  for (const replica of stats) {
    // Ops invoked before the observer first synced reached it by its initial load, not by propagation.
    const joinedAt = replica.connection.find(e => e.state === 'synced')?.t ?? Infinity
    for (const [opId, seenAt] of Object.entries(replica.seen)) {
      const invoked = invokedAt.get(opId)
      if (invoked !== undefined && invoked >= joinedAt) propagation.record(seenAt - invoked)
    }
  }
  const modes = new Set(stats.map(s => s.ackMode))
  const ackMode = modes.size === 1 ? ([...modes][0] === 'unknown' ? 'unknown' : [...modes][0] as 'ack' | 'no-ack') : modes.size === 0 ? 'unknown' : 'mixed'
  return {
    invoked: new Set(invokedAt.keys()),
    acked,
    ackMode,
    propagation,
    ack,
    ops,
    writes,
    reads: ops - writes,
    unacked,
    disconnects: stats.reduce((n, s) => n + s.connection.filter(e => e.state === 'closed' && e.reason !== 'closed-by-user').length, 0),
    reconnectAttempts: stats.reduce((n, s) => n + s.reconnectAttempts, 0),
    bytesIn: stats.reduce((n, s) => n + s.bytesIn, 0),
    bytesOut: stats.reduce((n, s) => n + s.bytesOut, 0),
    errors: stats.flatMap(s => s.errors.map(e => `${s.replicaId}: ${e}`))
  }
}

/**
 * Per replica, from its first `connecting` to its first `synced`: how long a
 * replica took to load the document when it joined.
 * @param {ReplicaStats[]} stats
 */
export const firstSyncMs = (stats: ReplicaStats[]): LatencyHistogram => {
  const histogram = new LatencyHistogram()
  for (const s of stats) {
    const connecting = s.connection.find(e => e.state === 'connecting')
    const synced = s.connection.find(e => e.state === 'synced')
    if (connecting !== undefined && synced !== undefined) histogram.record(synced.t - connecting.t)
  }
  return histogram
}
