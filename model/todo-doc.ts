/**
 * The todo document every replica edits, and the workload operations on it.
 *
 * Layout of the Y.Doc:
 *   todos : Y.Map<todoId, Y.Map { title: string, done: boolean, createdBy: opId }>
 *   ops   : Y.Map<opId, kind>   grow-only; one entry per write, set in the
 *                               same transaction as the write itself
 *
 * An op id is `replicaId:seq`. Because every write leaves its op id in `ops`
 * atomically with its effect, "was this acknowledged write lost?" is an exact
 * set-membership question (DESIGN §3).
 *
 * @module model/todo-doc
 */
import * as Y from 'yjs'
import { z } from 'zod'

export const opKindSchema = z.enum(['create', 'update', 'delete', 'read'])
export type OpKind = z.infer<typeof opKindSchema>

export const opIdSchema = z.string().regex(/^[^:]+:\d+$/, 'op id must look like replicaId:seq')

/** A workload operation as it crosses the page boundary. */
export const workloadOpSchema = z.object({
  kind: opKindSchema,
  opId: opIdSchema,
  todoId: z.string().min(1).max(64),
  title: z.string().max(4096).optional()
})
export type WorkloadOp = z.infer<typeof workloadOpSchema>

/** Short codes stored in the `ops` map: keeps the grow-only map small. */
const kindCode = { create: 'c', update: 'u', delete: 'd' } as const

/** @param {Y.Doc} doc @return {Y.Map<Y.Map<unknown>>} the todos map */
export const todosOf = (doc: Y.Doc): Y.Map<Y.Map<unknown>> => doc.getMap('todos')

/** @param {Y.Doc} doc @return {Y.Map<string>} the grow-only op id map */
export const opsOf = (doc: Y.Doc): Y.Map<string> => doc.getMap('ops')

/**
 * Applies one op to the document in one transaction.
 * A read returns the todo it read (or null) and writes nothing.
 * An update or delete of a todo that does not exist still records its op id:
 * the op was invoked and is part of the history either way.
 *
 * @param {Y.Doc} doc
 * @param {WorkloadOp} op
 * @param {unknown} origin transaction origin, so observers can tell local from remote
 */
export const applyOp = (doc: Y.Doc, op: WorkloadOp, origin: unknown = null): { title: string, done: boolean } | null => {
  const todos = todosOf(doc)
  if (op.kind === 'read') {
    const todo = todos.get(op.todoId)
    return todo === undefined ? null : { title: String(todo.get('title')), done: Boolean(todo.get('done')) }
  }
  const code = kindCode[op.kind]
  doc.transact(() => {
    if (op.kind === 'create') {
      const todo = new Y.Map<unknown>()
      todo.set('title', op.title ?? op.todoId)
      todo.set('done', false)
      todo.set('createdBy', op.opId)
      todos.set(op.todoId, todo)
    } else if (op.kind === 'update') {
      const todo = todos.get(op.todoId)
      if (todo !== undefined) todo.set('done', !(todo.get('done') as boolean))
    } else {
      todos.delete(op.todoId)
    }
    opsOf(doc).set(op.opId, code)
  }, origin)
  return null
}

/**
 * Op ids that a transaction added to the `ops` map. Used to timestamp when
 * a remote op became visible at this replica.
 *
 * @param {Y.YEvent<any>[]} events events of one transaction (observeDeep on `ops`)
 */
export const opIdsAddedBy = (event: Y.YMapEvent<string>): string[] => {
  const added: string[] = []
  event.changes.keys.forEach((change, key) => {
    if (change.action === 'add') added.push(key)
  })
  return added
}
