/**
 * The example stack's data model, shared by its server and client: a todo
 * document as a set of changes, merged last-writer-wins. Changes are ordered
 * by (at, by, opId); folding any set of changes in that order gives the same
 * document everywhere, and a delete is a change like any other (a tombstone),
 * so it survives being merged again.
 *
 * @module examples/lww-todo/change
 */
import { z } from 'zod'

export const changeSchema = z.object({
  opId: z.string().min(1).max(200),
  kind: z.enum(['create', 'update', 'delete']),
  todoId: z.string().min(1).max(64),
  title: z.string().max(4096).optional(),
  /** The value an update sets (a toggle of what the writer saw). */
  done: z.boolean().optional(),
  /** Writer's clock, epoch ms, and replica id: the LWW stamp. */
  at: z.number(),
  by: z.string().max(200)
})
export type Change = z.infer<typeof changeSchema>

/** What the relay sends (server.ts). */
export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['snapshot', 'changes']), changes: z.array(changeSchema) }),
  z.object({ type: z.literal('ack'), opIds: z.array(z.string()) })
])

const before = (a: Change, b: Change): number =>
  a.at - b.at || (a.by < b.by ? -1 : a.by > b.by ? 1 : 0) || (a.opId < b.opId ? -1 : a.opId > b.opId ? 1 : 0)

/**
 * @param {Iterable<Change>} changes
 * @param {ReadonlySet<string>} heldBack op ids recorded in `ops` whose effect is not applied (yet)
 * @return the document in the suite's digest shape: { todos, ops }
 */
export const fold = (changes: Iterable<Change>, heldBack: ReadonlySet<string> = new Set()): { todos: Record<string, { title: string, done: boolean, createdBy: string }>, ops: Record<string, 'c' | 'u' | 'd'> } => {
  const todos: Record<string, { title: string, done: boolean, createdBy: string }> = {}
  const ops: Record<string, 'c' | 'u' | 'd'> = {}
  for (const change of [...changes].sort(before)) {
    ops[change.opId] = change.kind === 'create' ? 'c' : change.kind === 'update' ? 'u' : 'd'
    if (heldBack.has(change.opId)) continue
    if (change.kind === 'create') todos[change.todoId] = { title: change.title ?? change.todoId, done: false, createdBy: change.opId }
    else if (change.kind === 'delete') delete todos[change.todoId]
    else if (todos[change.todoId] !== undefined && change.done !== undefined) todos[change.todoId].done = change.done
  }
  return { todos, ops }
}
