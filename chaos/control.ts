/**
 * The chaos proxy's HTTP control API (JSON, loopback only):
 *
 *   GET    /toxics            → 200 ToxicSpec[]
 *   POST   /toxics            ← ToxicSpecInput      → 201 ToxicSpec
 *   DELETE /toxics/:name      → 204
 *   POST   /down              ← { down, cutExisting? } → 204
 *   POST   /reset             ← { clients? }         → 200 { connections }
 *   GET    /connections       → 200 ConnectionInfo[]
 *   GET    /timeline          → 200 TimelineEvent[]
 *
 * Errors answer `{ "error": "<one sentence>" }` with 400/404/409/413.
 *
 * @module chaos/control
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { z } from 'zod'
import { isLoopbackHost } from './address.ts'
import { ChaosError } from './errors.ts'
import type { ChaosProxy } from './proxy.ts'
import { describeIssue, type ToxicSpecInput } from './spec.ts'
import { clientIdSchema } from './toxic.ts'

const maxBodyBytes = 64 * 1024

export const downBodySchema = z.strictObject({ down: z.boolean(), cutExisting: z.boolean().default(true) })
export const resetBodySchema = z.strictObject({ clients: z.array(clientIdSchema).min(1).max(10_000).optional() })

const readJson = async (request: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = []
  let sizeBytes = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    sizeBytes += chunk.length
    if (sizeBytes > maxBodyBytes) throw new ChaosError('CHAOS_ERR_INVALID', `The request body is larger than ${maxBodyBytes} bytes; send a smaller JSON object.`)
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    throw new ChaosError('CHAOS_ERR_INVALID', 'The request body is not valid JSON; send a JSON object.')
  }
}

const parseBody = <T extends z.ZodType>(schema: T, what: string, body: unknown): z.output<T> => {
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new ChaosError('CHAOS_ERR_INVALID', describeIssue(what, parsed.error))
  return parsed.data
}

const send = (response: ServerResponse, status: number, body?: unknown): void => {
  if (body === undefined) {
    response.writeHead(status).end()
    return
  }
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text)
}

/** Routes one request to the proxy; returns [status, body]. */
const route = async (proxy: ChaosProxy, request: IncomingMessage): Promise<[number, unknown?]> => {
  const url = new URL(request.url ?? '/', 'http://control.invalid')
  const method = request.method ?? 'GET'
  const toxicName = /^\/toxics\/([^/]+)$/.exec(url.pathname)
  if (url.pathname === '/toxics' && method === 'GET') return [200, await proxy.listToxics()]
  // addToxic validates the body with zod itself.
  if (url.pathname === '/toxics' && method === 'POST') return [201, await proxy.addToxic(await readJson(request) as ToxicSpecInput)]
  if (toxicName !== null && method === 'DELETE') {
    await proxy.removeToxic(decodeURIComponent(toxicName[1]))
    return [204]
  }
  if (url.pathname === '/down' && method === 'POST') {
    const body = parseBody(downBodySchema, 'down request', await readJson(request))
    await proxy.setDown(body.down, { cutExisting: body.cutExisting })
    return [204]
  }
  if (url.pathname === '/reset' && method === 'POST') {
    const body = parseBody(resetBodySchema, 'reset request', await readJson(request))
    if (body.clients === undefined) {
      const connections = proxy.connections().length
      await proxy.resetAll()
      return [200, { connections }]
    }
    return [200, { connections: await proxy.resetClients(body.clients) }]
  }
  if (url.pathname === '/connections' && method === 'GET') return [200, proxy.connections()]
  if (url.pathname === '/timeline' && method === 'GET') return [200, proxy.timeline()]
  throw new ChaosError('CHAOS_ERR_NOT_FOUND', `There is no ${method} ${url.pathname}; use /toxics, /down, /reset, /connections or /timeline.`)
}

/**
 * Starts the control API for `proxy` on a loopback address.
 * @return {Promise<{ server: Server, port: number }>} close `server` when done
 */
export const startControlServer = async (proxy: ChaosProxy, options: { host?: string, port?: number } = {}): Promise<{ server: Server, port: number }> => {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopbackHost(host)) throw new ChaosError('CHAOS_ERR_NOT_LOOPBACK', `The control API host ${host} is not a loopback address; use 127.0.0.1, ::1 or localhost.`)
  const server = createServer((request, response) => {
    route(proxy, request).then(([status, body]) => send(response, status, body), (error: unknown) => {
      if (error instanceof ChaosError) send(response, error.status, { error: error.message })
      else send(response, 500, { error: `The proxy failed: ${error instanceof Error ? error.message : String(error)}` })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const address = server.address()
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 }
}
