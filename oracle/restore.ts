/**
 * The restore check of reload persistence (DESIGN §5 "Page: reload"): right
 * after a reload, before the network answers, a replica's doc must hold every
 * op id it held before, at the same digest, restored from its own store. Pure.
 *
 * @module oracle/restore
 */
import type { ReplicaStats } from '../client/harness/api.ts'

/** What a replica held: just before its page was reloaded, or right after. */
export interface ReplicaSnapshot { stats: ReplicaStats, opIds: string[], digest: string }

/**
 * @param {ReplicaSnapshot} before
 * @param {ReplicaSnapshot} after
 * @return {string | undefined} what is wrong, or undefined when the restore is complete
 */
export const restoreProblem = (before: ReplicaSnapshot, after: ReplicaSnapshot): string | undefined => {
  const restored = after.stats.restoredFromStore
  if (restored === undefined) return 'it did not restore from its store'
  if (!restored.beforeNetwork) return 'it restored only after network messages arrived'
  const present = new Set(after.opIds)
  const missing = before.opIds.filter(id => !present.has(id))
  if (missing.length > 0) return `${missing.length} op id(s) it held before the reload are gone: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ' …' : ''}`
  if (after.digest !== before.digest) return `its digest changed across the reload (${before.digest.slice(0, 12)} → ${after.digest.slice(0, 12)})`
  return undefined
}
