/**
 * @conflict: a conflict storm. Every replica updates and deletes the same few
 * todos at once (`sharedTodos`, created up front by the first replica of
 * each room), so concurrent edits of one item must merge to one state.
 *
 * @module scenarios/conflict
 */
import { z } from 'zod'
import { workloadScenario } from './base.ts'

export const conflictSettings = workloadScenario.extend({
  /** Todos every replica works on. */
  sharedTodos: z.number().int().positive().default(3)
})
