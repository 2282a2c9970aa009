/**
 * Messages between OpfsWorkerStore (page) and the OPFS worker, which hosts
 * either engine: file per key (opfs-worker-engine.ts) or one log
 * (opfs-log-engine.ts), chosen by `engine.layout` when the store opens.
 *
 *   request  { id, op: 'open', namespace, engine: { layout: 'files', keepHandlesOpen }
 *                                             | { layout: 'log', compactRatio, compactMinBytes, lockWaitMs } }
 *            { id, op: 'put', entries: [{ key, value: Uint8Array }] }
 *            { id, op: 'get' | 'delete', keys: string[] }
 *            { id, op: 'list' | 'compact' | 'clear' | 'close' }
 *   response { id, ok: true, values?: (Uint8Array | null)[], keys?: string[], recovery?: { droppedBytes, torn?, removedFiles } }
 *            { id, ok: false, error: { code, message } }
 *
 * Every request gets exactly one response with its id. Both sides parse what
 * they receive with these schemas.
 *
 * @module client/store/opfs-worker-protocol
 */
import { z } from 'zod'
import { namespaceSchema } from './keys.ts'

const bytesSchema = z.custom<Uint8Array>(value => value instanceof Uint8Array, 'expected a Uint8Array')
const idSchema = z.number().int().nonnegative()

export const workerRequestSchema = z.discriminatedUnion('op', [
  z.object({
    id: idSchema,
    op: z.literal('open'),
    namespace: namespaceSchema,
    engine: z.discriminatedUnion('layout', [
      z.object({ layout: z.literal('files'), keepHandlesOpen: z.boolean() }),
      z.object({ layout: z.literal('log'), compactRatio: z.number().positive().max(1), compactMinBytes: z.number().int().nonnegative(), lockWaitMs: z.number().nonnegative() })
    ])
  }),
  z.object({ id: idSchema, op: z.literal('put'), entries: z.array(z.object({ key: z.string(), value: bytesSchema })) }),
  z.object({ id: idSchema, op: z.literal('get'), keys: z.array(z.string()) }),
  z.object({ id: idSchema, op: z.literal('delete'), keys: z.array(z.string()) }),
  z.object({ id: idSchema, op: z.literal('list') }),
  z.object({ id: idSchema, op: z.literal('compact') }),
  z.object({ id: idSchema, op: z.literal('clear') }),
  z.object({ id: idSchema, op: z.literal('close') })
])
export type WorkerRequest = z.infer<typeof workerRequestSchema>

export const storeErrorCodeSchema = z.enum(['quota-exceeded', 'lock-held', 'unsupported', 'not-found', 'io'])

export const workerResponseSchema = z.discriminatedUnion('ok', [
  z.object({
    id: idSchema,
    ok: z.literal(true),
    values: z.array(bytesSchema.nullable()).optional(),
    keys: z.array(z.string()).optional(),
    /** After opening a log: what recovery dropped (torn tail bytes) and removed (stale generations). */
    recovery: z.object({ droppedBytes: z.number().int().nonnegative(), torn: z.string().optional(), removedFiles: z.array(z.string()) }).optional()
  }),
  z.object({ id: idSchema, ok: z.literal(false), error: z.object({ code: storeErrorCodeSchema, message: z.string() }) })
])
export type WorkerResponse = z.infer<typeof workerResponseSchema>
