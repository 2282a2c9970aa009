/**
 * `sync` plugin: the y-websocket endpoint. The document name is the URL path
 * without its leading `/` (the query string is not part of it). Query
 * parameters: `ack=1` asks for durable-write acks, `token=` carries an auth
 * token when the server has an auth secret.
 *
 * Connection limits, heartbeats and the per-connection rate limit live here;
 * each closes only the offending connection. `preClose` closes every socket.
 *
 * @module server/plugins/sync
 */
import websocket from '@fastify/websocket'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { WebSocket } from 'ws'
import type { WebsocketPluginOptions } from '@fastify/websocket'
import { z } from 'zod'
import { ackQueryParam, encodeFrame, writeAuthDenied } from '../../protocol/wire.ts'
import { verifyToken } from '../auth.ts'
import { reasonForCloseCode, SyncError, type SocketErrorCode } from '../errors.ts'
import { kind } from '../metrics.ts'
import { Connection } from '../sync/connection.ts'
import { Room } from '../sync/room.ts'

/** Longest document name in UTF-8 bytes: its base64url file name must fit in 255 bytes. */
export const maxDocNameBytes = 180

const docNameSchema = z.string().min(1).refine(name => Buffer.byteLength(name) <= maxDocNameBytes)
const querySchema = z.object({ [ackQueryParam]: z.string().optional(), token: z.string().max(4096).optional() })

/** ws closes an oversized frame with 1009 but no reason; this adds the reason for any bare close code. */
class ReasonedWebSocket extends WebSocket {
  close (code?: number, data?: string | Buffer): void {
    super.close(code, data ?? (code === undefined ? undefined : reasonForCloseCode(code)))
  }
}

type WsClass = NonNullable<WebsocketPluginOptions['options']>['WebSocket']

/** Waits this long for peers to answer our close frames on shutdown. */
const shutdownGraceMs = 1000

async function syncPlugin (fastify: FastifyInstance): Promise<void> {
  const config = fastify.syncConfig
  const metrics = fastify.syncMetrics
  const store = fastify.docStore
  const conns = new Set<Connection>()
  const rooms = new Map<string, Room>()
  const joining = new Map<string, Promise<Room>>()
  /** Connections waiting for a room to open: the room must not close under them. */
  const waiting = new Map<string, number>()

  const openRoom = async (name: string): Promise<Room> => {
    const open = rooms.get(name)
    if (open !== undefined) return open
    let pending = joining.get(name)
    if (pending === undefined) {
      pending = store.acquire(name)
        .then(stored => {
          const room = new Room(stored, metrics)
          rooms.set(name, room)
          return room
        })
        .finally(() => joining.delete(name))
      joining.set(name, pending)
    }
    return pending
  }

  const closeRoomIfEmpty = (room: Room): void => {
    const name = room.stored.name
    if (room.conns.size > 0 || (waiting.get(name) ?? 0) > 0 || rooms.get(name) !== room) return
    rooms.delete(name)
    room.destroy()
    store.release(room.stored)
  }

  const heartbeatTickMs = Math.max(10, Math.floor(Math.min(config.heartbeatIntervalMs, config.heartbeatTimeoutMs) / 2))
  const heartbeat = setInterval(() => {
    const nowMs = Date.now()
    for (const conn of conns) conn.heartbeat(nowMs)
  }, heartbeatTickMs)

  await fastify.register(websocket, {
    options: { maxPayload: config.maxFrameBytes, WebSocket: ReasonedWebSocket as unknown as WsClass, perMessageDeflate: false },
    errorHandler (error, socket, request) {
      request.log.debug({ err: error }, 'websocket error')
      socket.terminate()
    },
    preClose: async function closeAllSockets () {
      clearInterval(heartbeat)
      for (const conn of conns) conn.fail('SYNC_ERR_SHUTTING_DOWN')
      const deadline = Date.now() + shutdownGraceMs
      while (conns.size > 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
      for (const conn of conns) conn.ws.terminate()
      fastify.websocketServer.close()
    }
  })

  const onConnection = async (ws: WebSocket, request: FastifyRequest): Promise<void> => {
    const url = request.raw.url ?? '/'
    const queryAt = url.indexOf('?')
    const rawName = url.slice(1, queryAt < 0 ? undefined : queryAt)
    const query = querySchema.safeParse(Object.fromEntries(new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1))))
    const conn = new Connection(ws, query.success && query.data[ackQueryParam] === '1', config, metrics, Date.now())
    conns.add(conn)
    metrics.connections = conns.size
    let room: Room | null = null
    let queue: Uint8Array[] | null = []

    ws.on('message', (data: Buffer) => {
      if (!conn.takeToken(Date.now())) {
        conn.fail('SYNC_ERR_RATE_LIMITED')
        return
      }
      if (conn.closing) return
      if (room !== null) room.handle(conn, data)
      else queue?.push(data)
    })
    ws.on('close', () => {
      conns.delete(conn)
      metrics.connections = conns.size
      metrics.closed(conn.closedBy ?? 'client')
      conn.destroy()
      queue = null
      if (room !== null) {
        room.leave(conn)
        closeRoomIfEmpty(room)
      }
    })

    const reject = (code: SocketErrorCode, detail?: string): void => {
      if (code === 'SYNC_ERR_AUTH_DENIED') conn.send(encodeFrame(e => writeAuthDenied(e, detail ?? 'permission denied')), kind.auth)
      conn.fail(code, detail)
    }
    if (conns.size > config.maxConnections) return reject('SYNC_ERR_TOO_MANY_CONNECTIONS')
    const name = docNameSchema.safeParse(rawName)
    if (!name.success) return reject('SYNC_ERR_BAD_DOC_NAME')
    if (!query.success) return reject('SYNC_ERR_BAD_FRAME', 'query string has unexpected values for ack or token')
    if (config.authSecret !== undefined) {
      const check = verifyToken(query.data.token ?? null, config.authSecret, name.data, Date.now())
      if (!check.ok) return reject('SYNC_ERR_AUTH_DENIED', check.reason.replace(/^auth denied: /, ''))
    }

    let joined: Room
    waiting.set(name.data, (waiting.get(name.data) ?? 0) + 1)
    try {
      joined = await openRoom(name.data)
    } catch (err) {
      if (err instanceof SyncError && err.code === 'SYNC_ERR_TOO_MANY_DOCS') return reject('SYNC_ERR_TOO_MANY_DOCS')
      request.log.error({ err, docName: name.data }, 'SYNC_ERR_STORAGE: could not load document')
      return reject('SYNC_ERR_STORAGE', (err as Error).message)
    } finally {
      const left = (waiting.get(name.data) ?? 1) - 1
      if (left > 0) waiting.set(name.data, left)
      else waiting.delete(name.data)
    }
    if (conn.closing || queue === null) {
      closeRoomIfEmpty(joined)
      return
    }
    room = joined
    joined.join(conn)
    const early = queue
    queue = null
    for (const data of early) {
      if (conn.closing) break
      joined.handle(conn, data)
    }
  }

  fastify.get('/*', { websocket: true }, onConnection)
  fastify.addHook('onClose', async () => {
    clearInterval(heartbeat)
  })
}

export default syncPlugin
