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

/**
 * A replica class: a share of the replicas with its own rate and batch size
 * (e.g. 40% light users at 0.1 op/s, 10% power users writing 10 ops at once).
 * A batch is `batchSize` ops invoked together; batches arrive at
 * `ratePerReplica / batchSize` per second, so the class's op rate stays `ratePerReplica`.
 */
export const replicaClassSchema = z.object({
  name: z.string().min(1),
  /** Share of the replicas in (0, 1]; the shares of all classes add up to 1. */
  share: z.number().gt(0).max(1),
  /** Ops per second per replica of this class. */
  ratePerReplica: z.number().positive(),
  batchSize: z.number().int().min(1).max(1_000).default(1)
})
export type ReplicaClass = z.infer<typeof replicaClassSchema>

export const replicaClassesSchema = z.array(replicaClassSchema).min(1)
  .refine(classes => Math.abs(classes.reduce((sum, c) => sum + c.share, 0) - 1) < 1e-6, 'the shares of the replica classes must add up to 1')

/**
 * Pure: the class of each replica, by its position, so that every class gets
 * its share of any prefix-stable list (position i takes the class covering (i + 0.5) / n).
 * @param {number} count replicas
 * @param {ReplicaClass[]} classes
 * @return {ReplicaClass[]} one class per position
 */
export const assignClasses = (count: number, classes: ReplicaClass[]): ReplicaClass[] =>
  Array.from({ length: count }, (_, i) => {
    let point = (i + 0.5) / count
    for (const c of classes) {
      point -= c.share
      if (point < 0) return c
    }
    return classes[classes.length - 1]
  })

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
  arrivals: z.enum(['poisson', 'uniform']).default('poisson'),
  /** Replica classes with their own rate and batch size; without them every replica writes at `ratePerReplica`, one op at a time. */
  classes: replicaClassesSchema.optional()
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
 * @param {ReadonlyMap<string, string>} roomOf per replica, its room (document); shared todos
 *   are created per room by the room's first replica. Without it, all replicas share one room.
 * @return {Schedule} ops sorted by offset; op ids `replicaId:seq` are unique per replica
 */
export const buildSchedule = (planInput: WorkloadPlan, replicaIds: string[], startAt: number, firstSeq: ReadonlyMap<string, number> = new Map(), roomOf?: ReadonlyMap<string, string>): Schedule => {
  const plan = workloadPlanSchema.parse(planInput)
  const ops: Schedule['ops'] = []
  const shared = plan.sharedTodos === undefined ? undefined : Array.from({ length: plan.sharedTodos }, (_, i) => `shared-${i}`)
  // The first replica of each room creates that room's shared todos.
  const creators = new Set<string>()
  const rooms = new Set<string>()
  for (const replicaId of replicaIds) {
    const room = roomOf?.get(replicaId) ?? ''
    if (!rooms.has(room)) {
      rooms.add(room)
      creators.add(replicaId)
    }
  }
  if (shared !== undefined) {
    for (const creator of creators) {
      const base = firstSeq.get(creator) ?? 0
      shared.forEach((todoId, i) => ops.push({ replicaId: creator, atMs: 0, op: { kind: 'create', opId: `${creator}:${base + i}`, todoId, title: todoId } }))
    }
  }
  const classes = plan.classes === undefined ? undefined : assignClasses(replicaIds.length, plan.classes)
  for (const [index, replicaId] of replicaIds.entries()) {
    const random = mulberry32(deriveSeed(plan.seed, replicaId))
    let seq = (firstSeq.get(replicaId) ?? 0) + (creators.has(replicaId) && shared !== undefined ? shared.length : 0)
    const created: string[] = []
    const batchSize = classes?.[index].batchSize ?? 1
    const periodMs = 1000 * batchSize / (classes?.[index].ratePerReplica ?? plan.ratePerReplica)
    // First op at a random phase so replicas do not tick in lockstep.
    let atMs = random() * periodMs + (shared === undefined ? 0 : 200)
    const seqLimit = seq + 1_000_000
    while (atMs < plan.durationMs && seq < seqLimit) {
      for (let b = 0; b < batchSize; b++) {
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
      }
      atMs += plan.arrivals === 'poisson' ? -Math.log(1 - random()) * periodMs : periodMs
    }
  }
  ops.sort((a, b) => a.atMs - b.atMs)
  return { startAt, ops }
}
