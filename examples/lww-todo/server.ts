/**
 * The example stack's server: a plain JSON WebSocket relay that keeps, per
 * document, the set of last-writer-wins changes (the document name is the
 * URL path). Not Yjs; a stand-in for a team's own push/pull backend.
 *
 * Exchange (text frames, JSON):
 *   server → client on connect   { type: 'snapshot', changes: Change[] }
 *   client → server              { type: 'push', changes: Change[] }
 *   server → other clients       { type: 'changes', changes: Change[] }   (new ones only)
 *   server → pushing client      { type: 'ack', opIds: string[] }          (after the append is flushed)
 *
 * Every change is appended to `<dataDir>/<doc>.jsonl` and fsynced before its
 * ack, so acks mean durable, and a restart reloads the log.
 *
 *   node --import tsx examples/lww-todo/server.ts --port 4100 --data-dir /tmp/lww
 *
 * @module examples/lww-todo/server
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { WebSocketServer, type WebSocket } from 'ws'
import { z } from 'zod'
import { changeSchema, type Change } from './change.ts'

const pushSchema = z.object({ type: z.literal('push'), changes: z.array(changeSchema).max(10_000) })

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' }, 'data-dir': { type: 'string' } } })
const port = z.coerce.number().int().min(1).max(65_535).safeParse(values.port)
if (!port.success) {
  console.error('--port must be a port number (1-65535), e.g. --port 4100')
  process.exit(2)
}
const dataDir = values['data-dir']

interface Room { changes: Map<string, Change>, clients: Set<WebSocket>, logFd?: number }
const rooms = new Map<string, Room>()

const roomOf = (docName: string): Room => {
  let room = rooms.get(docName)
  if (room !== undefined) return room
  room = { changes: new Map(), clients: new Set() }
  if (dataDir !== undefined) {
    const file = path.join(dataDir, `${encodeURIComponent(docName)}.jsonl`)
    if (fs.existsSync(file)) {
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        const change = changeSchema.safeParse(line === '' ? undefined : JSON.parse(line))
        if (change.success) room.changes.set(change.data.opId, change.data)
      }
    }
    room.logFd = fs.openSync(file, 'a')
  }
  rooms.set(docName, room)
  return room
}

const wss = new WebSocketServer({ host: values.host, port: port.data })
wss.on('connection', (socket, request) => {
  const docName = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname.slice(1))
  const room = roomOf(docName)
  room.clients.add(socket)
  socket.send(JSON.stringify({ type: 'snapshot', changes: [...room.changes.values()] }))
  socket.on('message', (data, isBinary) => {
    let push: z.infer<typeof pushSchema>
    try {
      push = pushSchema.parse(JSON.parse(isBinary ? '' : data.toString()))
    } catch {
      socket.close(1003, 'expected a JSON text frame { type: "push", changes: [...] }')
      return
    }
    const fresh = push.changes.filter(change => !room.changes.has(change.opId))
    for (const change of fresh) room.changes.set(change.opId, change)
    if (room.logFd !== undefined && fresh.length > 0) {
      fs.writeSync(room.logFd, fresh.map(change => JSON.stringify(change) + '\n').join(''))
      fs.fsyncSync(room.logFd)
    }
    socket.send(JSON.stringify({ type: 'ack', opIds: push.changes.map(change => change.opId) }))
    if (fresh.length === 0) return
    const relayed = JSON.stringify({ type: 'changes', changes: fresh })
    for (const peer of room.clients) if (peer !== socket && peer.readyState === peer.OPEN) peer.send(relayed)
  })
  socket.on('close', () => room.clients.delete(socket))
  socket.on('error', () => socket.terminate())
})
wss.on('listening', () => console.log(`lww-todo relay listening on ws://${values.host}:${port.data}`))

const stop = (): void => {
  for (const client of wss.clients) client.terminate()
  wss.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
