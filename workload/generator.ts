/**
 * Builds the seeded op schedule of a scenario: which replica does what, when.
 * Pure: (seed, replicas, plan) -> schedule. Executed by the harness hosts
 * (client/harness/api.ts `run`), which stamp the real invoke times.
 *
 * @module workload/generator
 */
import { z } from 'zod'
import type { WorkloadOp, OpKind } from '../model/todo-doc.ts'
import type { Schedule } from '../client/harness/api.ts'
import { deriveSeed, mulberry32, type Random } from './prng.ts'

export const opMixSchema = z.object({
  create: z.number().min(0), update: z.number().min(0), delete: z.number().min(0), read: z.number().min(0)
}).refine(mix => mix.create + mix.update + mix.delete + mix.read > 0, 'the op mix must have at least one non-zero weight')
export type OpMix = z.infer<typeof opMixSchema>

/** DESIGN §3: 40% create, 30% update (toggle), 15% delete, 15% read. */
export const defaultMix: OpMix = { create: 40, update: 30, delete: 15, read: 15 }

export const workloadPlanSchema = z.object({
  seed: z.number().int(),
  /** Ops per second per replica. */
  ratePerReplica: z.number().positive(),
  durationMs: z.number().positive(),
  mix: opMixSchema.default(defaultMix),
  /**
   * When set, every replica works on the same `sharedTodos` todos (a conflict
   * storm): they are created up front by the first replica, then only updated
   * and deleted (and re-created) by everyone.
   */
  sharedTodos: z.number().int().positive().optional(),
  /** Poisson arrivals (exponential gaps) rather than a fixed period. */
  arrivals: z.enum(['poisson', 'uniform']).default('poisson')
})
export type WorkloadPlan = z.input<typeof workloadPlanSchema>

const pickKind = (random: Random, mix: OpMix): OpKind => {
  const total = mix.create + mix.update + mix.delete + mix.read
  let r = random() * total
  for (const kind of ['create', 'update', 'delete', 'read'] as const) {
    r -= mix[kind]
    if (r < 0) return kind
  }
  return 'read'
}

/**
 * @param {WorkloadPlan} planInput
 * @param {string[]} replicaIds writers, in a stable order
 * @param {number} startAt epoch ms at which offsets start
 * @param {ReadonlyMap<string, number>} firstSeq per replica, the first sequence number to use
 *   (so that several runs in one test never reuse an op id)
 * @return {Schedule} ops sorted by offset; op ids `replicaId:seq` are unique per replica
 */
export const buildSchedule = (planInput: WorkloadPlan, replicaIds: string[], startAt: number, firstSeq: ReadonlyMap<string, number> = new Map()): Schedule => {
  const plan = workloadPlanSchema.parse(planInput)
  const ops: Schedule['ops'] = []
  const shared = plan.sharedTodos === undefined ? undefined : Array.from({ length: plan.sharedTodos }, (_, i) => `shared-${i}`)
  if (shared !== undefined && replicaIds.length > 0) {
    const base = firstSeq.get(replicaIds[0]) ?? 0
    shared.forEach((todoId, i) => ops.push({ replicaId: replicaIds[0], atMs: 0, op: { kind: 'create', opId: `${replicaIds[0]}:${base + i}`, todoId, title: todoId } }))
  }
  for (const replicaId of replicaIds) {
    const random = mulberry32(deriveSeed(plan.seed, replicaId))
    let seq = (firstSeq.get(replicaId) ?? 0) + (replicaId === replicaIds[0] && shared !== undefined ? shared.length : 0)
    const created: string[] = []
    const periodMs = 1000 / plan.ratePerReplica
    // First op at a random phase so replicas do not tick in lockstep.
    let atMs = random() * periodMs + (shared === undefined ? 0 : 200)
    const seqLimit = seq + 1_000_000
    while (atMs < plan.durationMs && seq < seqLimit) {
      const kind = pickKind(random, plan.mix)
      const pool = shared ?? created
      let op: WorkloadOp
      const opId = `${replicaId}:${seq}`
      if (kind === 'create' || pool.length === 0) {
        const todoId = shared !== undefined ? shared[Math.floor(random() * shared.length)] : `${replicaId}-t${seq}`
        if (shared === undefined) created.push(todoId)
        op = { kind: 'create', opId, todoId, title: `todo ${opId}` }
      } else {
        const todoId = pool[Math.floor(random() * pool.length)]
        op = { kind, opId, todoId }
      }
      ops.push({ replicaId, atMs, op })
      seq++
      atMs += plan.arrivals === 'poisson' ? -Math.log(1 - random()) * periodMs : periodMs
    }
  }
  ops.sort((a, b) => a.atMs - b.atMs)
  return { startAt, ops }
}
