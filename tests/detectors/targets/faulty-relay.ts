/**
 * A deliberately broken y-websocket server for the suite's self-tests: an
 * in-memory relay with one injected bug, chosen by `--fault`:
 *
 *   drop-updates:N    silently drops every Nth document update (never applied, never relayed)
 *   starve-client:K   never relays updates to the K-th connection of each room (1-based)
 *   close-random:MS  closes one random connection every MS milliseconds
 *   reorder-first-doc relays the first document's updates out of order: one update is held
 *                     back and delivered only after the next 1000 (in a short run: never)
 *   none              a correct relay
 *
 * It stores its own document correctly except where the fault says otherwise,
 * answers queryAwareness (so clients stay connected), and sends no acks.
 *
 * Usage: node --import tsx tests/detectors/targets/faulty-relay.ts --port <port> --fault <fault>
 */
import { parseArgs } from 'node:util'
import { WebSocketServer, type WebSocket } from 'ws'
import * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { z } from 'zod'
import { messageAwareness, messageQueryAwareness, messageSync, encodeFrame, writeSync, syncUpdate, writeAwareness } from '../../../protocol/wire.ts'

const faultSchema = z.union([
  z.literal('none'),
  z.literal('reorder-first-doc'),
  z.string().regex(/^drop-updates:\d+$/, 'drop-updates:N').transform(s => s),
  z.string().regex(/^starve-client:\d+$/, 'starve-client:K'),
  z.string().regex(/^close-random:\d+$/, 'close-random:MS')
])

const { values } = parseArgs({ options: { port: { type: 'string' }, fault: { type: 'string', default: 'none' } } })
const port = z.coerce.number().int().min(1).max(65535).parse(values.port)
const fault = faultSchema.parse(values.fault)
const dropEvery = fault.startsWith('drop-updates:') ? Number(fault.split(':')[1]) : 0
const starveIndex = fault.startsWith('starve-client:') ? Number(fault.split(':')[1]) : 0

interface Room { doc: Y.Doc, awareness: awarenessProtocol.Awareness, conns: WebSocket[], held?: Uint8Array, passedHeld: number, updates: number }

const reorderWindow = 1000
const rooms = new Map<string, Room>()
let firstDoc: string | undefined

const send = (conn: WebSocket, frame: Uint8Array): void => {
  if (conn.readyState === conn.OPEN) conn.send(frame)
}

const relay = (room: Room, name: string, update: Uint8Array): void => {
  const frame = encodeFrame(e => { writeSync(e, syncUpdate, update) })
  const targets = room.conns.filter((_, i) => i + 1 !== starveIndex)
  if (fault === 'reorder-first-doc' && name === firstDoc) {
    if (room.held === undefined) {
      room.held = frame
      room.passedHeld = 0
      return
    }
    for (const conn of targets) send(conn, frame)
    if (++room.passedHeld >= reorderWindow) {
      for (const conn of targets) send(conn, room.held)
      room.held = undefined
    }
    return
  }
  for (const conn of targets) send(conn, frame)
}

const roomFor = (name: string): Room => {
  let room = rooms.get(name)
  if (room === undefined) {
    firstDoc ??= name
    const doc = new Y.Doc()
    const created: Room = { doc, awareness: new awarenessProtocol.Awareness(doc), conns: [], passedHeld: 0, updates: 0 }
    created.awareness.setLocalState(null)
    doc.on('update', (update: Uint8Array) => { relay(created, name, update) })
    created.awareness.on('update', ({ added, updated, removed }: { added: number[], updated: number[], removed: number[] }) => {
      const frame = encodeFrame(e => { writeAwareness(e, awarenessProtocol.encodeAwarenessUpdate(created.awareness, [...added, ...updated, ...removed])) })
      for (const conn of created.conns) send(conn, frame)
    })
    rooms.set(name, created)
    room = created
  }
  return room
}

const wss = new WebSocketServer({ host: '127.0.0.1', port })
wss.on('connection', (conn, req) => {
  const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1))
  const room = roomFor(name)
  room.conns.push(conn)
  conn.binaryType = 'arraybuffer'
  send(conn, encodeFrame(e => { encoding.writeVarUint(e, messageSync); syncProtocol.writeSyncStep1(e, room.doc) }))
  conn.on('message', (data: ArrayBuffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data))
    const type = decoding.readVarUint(decoder)
    if (type === messageSync) {
      const syncType = decoding.peekVarUint(decoder)
      if (syncType !== syncProtocol.messageYjsSyncStep1 && dropEvery > 0 && ++room.updates % dropEvery === 0) return
      const reply = encoding.createEncoder()
      encoding.writeVarUint(reply, messageSync)
      syncProtocol.readSyncMessage(decoder, reply, room.doc, conn)
      if (encoding.length(reply) > 1) send(conn, encoding.toUint8Array(reply))
    } else if (type === messageAwareness) {
      awarenessProtocol.applyAwarenessUpdate(room.awareness, decoding.readVarUint8Array(decoder), conn)
    } else if (type === messageQueryAwareness) {
      send(conn, encodeFrame(e => { writeAwareness(e, awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...room.awareness.getStates().keys()])) }))
    }
  })
  conn.on('close', () => { room.conns.splice(room.conns.indexOf(conn), 1) })
})
if (fault.startsWith('close-random:')) {
  setInterval(() => {
    const conns = [...wss.clients]
    conns[Math.floor(Math.random() * conns.length)]?.close(1011, 'closed at random by the faulty relay')
  }, Number(fault.split(':')[1])).unref()
}
wss.on('listening', () => { console.log(`faulty relay (${fault}) listening on 127.0.0.1:${port}`) })
const shutdown = (): void => { wss.close(); process.exit(0) }
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
