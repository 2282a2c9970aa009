/**
 * Which writes must survive (DESIGN §3 "ack"), per replica: with acks, the
 * writes the target acknowledged; without, the writes the server is known to
 * have held: what a fresh client loads from it at the end, and what another
 * replica saw (replicas talk only through the target, so the server relayed
 * it). Pure.
 *
 * @module oracle/acknowledged
 */
import type { ReplicaStats } from '../client/harness/api.ts'

/**
 * @param {ReplicaStats[]} stats every writer of one room, live or gone
 * @param {ReadonlySet<string>} onServer op ids a fresh client loaded from the server
 * @return {Set<string>} op ids that must be present everywhere
 */
export const acknowledgedWrites = (stats: ReplicaStats[], onServer: ReadonlySet<string>): Set<string> => {
  const seenByOthers = new Set(stats.flatMap(s => Object.keys(s.seen)))
  const required = new Set<string>()
  for (const replica of stats) {
    for (const op of replica.history) {
      if (op.kind === 'read') continue
      const held = replica.ackMode === 'ack' ? op.ackedAt !== undefined : onServer.has(op.opId) || seenByOthers.has(op.opId)
      if (held) required.add(op.opId)
    }
  }
  return required
}
