/**
 * `admin` plugin: registered only when an admin token is set. Every route needs
 * `authorization: Bearer <token>`.
 *
 * - `POST /admin/gc`: runs a full GC (the server runs with --expose-gc) and
 *   returns memory figures taken after it.
 * - `GET /admin/docs/<name>`: `{ name, digest, opIds, bytes }` of the server's
 *   copy of a document; the suite's oracle compares replicas against it.
 *   `<name>` is the raw URL path, exactly as in the WebSocket URL.
 *
 * @module server/plugins/admin
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import * as Y from 'yjs'
import { z } from 'zod'
import { digestDoc } from '../../model/digest.ts'
import { opsOf, todosOf } from '../../model/todo-doc.ts'
import { serverErrors } from '../errors.ts'
import { maxDocNameBytes } from './sync.ts'

/** Options: the admin token. */
export interface AdminPluginOptions {
  adminToken: string
}

const docsPrefix = '/admin/docs/'
const docNameSchema = z.string().min(1).refine(name => Buffer.byteLength(name) <= maxDocNameBytes, `document name must be 1-${maxDocNameBytes} bytes`)
const gcBodySchema = z.union([z.undefined(), z.null(), z.object({}).strict()])

/** Memory figures returned by POST /admin/gc. */
export const gcResultSchema = z.object({ heapUsedBytes: z.number(), heapTotalBytes: z.number(), rssBytes: z.number(), externalBytes: z.number(), gcAvailable: z.boolean() })
export type GcResult = z.infer<typeof gcResultSchema>

/** Document figures returned by GET /admin/docs/<name>. */
export const docInfoSchema = z.object({ name: z.string(), digest: z.string(), opIds: z.number(), bytes: z.number() })
export type DocInfo = z.infer<typeof docInfoSchema>

async function adminPlugin (fastify: FastifyInstance, options: AdminPluginOptions): Promise<void> {
  if (options.adminToken.length === 0) throw new Error('admin plugin needs a non-empty adminToken')
  const expected = Buffer.from(`Bearer ${options.adminToken}`)

  fastify.addHook('onRequest', async (request, reply) => {
    const given = Buffer.from(request.headers.authorization ?? '')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      const { statusCode, message } = serverErrors.SYNC_ERR_ADMIN_UNAUTHORIZED
      return reply.code(statusCode).send({ code: 'SYNC_ERR_ADMIN_UNAUTHORIZED', message })
    }
  })

  fastify.post('/admin/gc', async (request, reply) => {
    if (!gcBodySchema.safeParse(request.body).success) {
      return reply.code(serverErrors.SYNC_ERR_BAD_REQUEST.statusCode).send({ code: 'SYNC_ERR_BAD_REQUEST', message: 'POST /admin/gc takes no body or an empty JSON object.' })
    }
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    const memory = process.memoryUsage()
    const result: GcResult = { heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal, rssBytes: memory.rss, externalBytes: memory.external, gcAvailable: gc !== undefined }
    return result
  })

  fastify.get('/admin/docs/*', async (request, reply) => {
    const url = request.raw.url ?? ''
    const queryAt = url.indexOf('?')
    const name = docNameSchema.safeParse(url.slice(docsPrefix.length, queryAt < 0 ? undefined : queryAt))
    if (!name.success) {
      return reply.code(serverErrors.SYNC_ERR_BAD_REQUEST.statusCode).send({ code: 'SYNC_ERR_BAD_REQUEST', message: `Document name is invalid: use 1-${maxDocNameBytes} bytes after /admin/docs/.` })
    }
    return fastify.docStore.read(name.data, async (doc): Promise<DocInfo> => {
      // Root types decoded from updates stay untyped (and out of toJSON) until first accessed.
      todosOf(doc)
      const ops = opsOf(doc)
      return { name: name.data, digest: await digestDoc(doc), opIds: ops.size, bytes: Y.encodeStateAsUpdate(doc).byteLength }
    })
  })
}

export default adminPlugin
