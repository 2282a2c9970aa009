/**
 * A deliberately broken y-websocket server for the suite's self-tests: an
 * in-memory relay with one injected bug, chosen by `--fault`:
 *
 *   drop-updates:N    silently drops every Nth document update (never applied, never relayed)
 *   starve-client:K   never relays updates to the K-th connection of each room (1-based)
 *   close-random:MS  closes one random connection every MS milliseconds
 *   reorder-first-doc relays the first document's updates out of order: one update is held
 *                     back and delivered only after the next 1000 (in a short run: never)
 *   refuse:N          answers every Nth WebSocket upgrade of the server (1-based) with HTTP 503
 *   slow-after:R[:D]  once more than R updates are relayed within one 1-second window, delivers
 *                     every relayed update D ms late (default 300), for good
 *   forget-departed   when a connection closes, rebuilds the room's document without that
 *                     connection's (acknowledged) writes; implies --ack
 *   none              a correct relay
 *
 * It stores its own document correctly except where the fault says otherwise,
 * and answers queryAwareness (so clients stay connected). With `--ack` it
 * acknowledges writes as the reference server does (protocol/wire.ts, type 100)
 * to clients that ask (`ack=1`), though it keeps them in memory only: it also
 * acknowledges the updates it drops. Without `--ack` it sends no acks.
 *
 * Usage: node --import tsx tests/detectors/targets/faulty-relay.ts --port <port> --fault <fault> [--ack]
 */
import { parseArgs } from 'node:util'
import { WebSocketServer, type WebSocket } from 'ws'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { z } from 'zod'
import { ackQueryParam, encodeFrame, readFrame, writeAck, writeAwareness, writeSync, syncStep1, syncStep2, syncUpdate } from '../../../protocol/wire.ts'

const faultSchema = z.union([
  z.literal('none'),
  z.literal('reorder-first-doc'),
  z.literal('forget-departed'),
  z.string().regex(/^drop-updates:\d+$/, 'drop-updates:N').transform(s => s),
  z.string().regex(/^starve-client:\d+$/, 'starve-client:K'),
  z.string().regex(/^close-random:\d+$/, 'close-random:MS'),
  z.string().regex(/^refuse:[1-9]\d*$/, 'refuse:N'),
  z.string().regex(/^slow-after:\d+(:\d+)?$/, 'slow-after:R or slow-after:R:D')
])

const { values } = parseArgs({ options: { port: { type: 'string' }, fault: { type: 'string', default: 'none' }, ack: { type: 'boolean', default: false } } })
const port = z.coerce.number().int().min(1).max(65535).parse(values.port)
const fault = faultSchema.parse(values.fault)
const acks = values.ack || fault === 'forget-departed'

/** The fault's i-th numeric argument (`name:a:b`); undefined for another fault or an omitted argument. */
const faultArg = (name: string, i = 0): number | undefined => {
  const [faultName, ...args] = fault.split(':')
  return faultName === name && args[i] !== undefined ? Number(args[i]) : undefined
}
const dropEvery = faultArg('drop-updates') ?? 0
const starveIndex = faultArg('starve-client') ?? 0
const closeEveryMs = faultArg('close-random')
const refuseEvery = faultArg('refuse') ?? 0
const slowAfter = faultArg('slow-after')
const slowDelayMs = faultArg('slow-after', 1) ?? 300

interface Room {
  name: string
  doc: Y.Doc
  awareness: awarenessProtocol.Awareness
  conns: WebSocket[]
  held?: Uint8Array
  passedHeld: number
  updates: number
  /** Applied writes in order, with their sender (forget-departed only). */
  writes: Array<{ conn: WebSocket, update: Uint8Array }>
}

const reorderWindow = 1000
const rooms = new Map<string, Room>()
let firstDoc: string | undefined
/** slow-after: updates relayed in the current 1-second window, and whether the relay degraded for good. */
let windowStartMs = 0
let windowUpdates = 0
let degraded = false

const send = (conn: WebSocket, frame: Uint8Array): void => {
  if (conn.readyState === conn.OPEN) conn.send(frame)
}

/** Sends a relayed update: at once, or late once degraded (timers of one delay fire in order). */
const deliver = (conn: WebSocket, frame: Uint8Array): void => {
  if (degraded) setTimeout(() => { send(conn, frame) }, slowDelayMs)
  else send(conn, frame)
}

const countRelayed = (): void => {
  if (slowAfter === undefined || degraded) return
  const now = performance.now()
  if (now - windowStartMs >= 1000) {
    windowStartMs = now
    windowUpdates = 0
  }
  if (++windowUpdates > slowAfter) {
    degraded = true
    console.log(`faulty relay degraded: ${windowUpdates} updates relayed within one second; every relayed update is now ${slowDelayMs} ms late`)
  }
}

const relay = (room: Room, update: Uint8Array): void => {
  countRelayed()
  const frame = encodeFrame(e => { writeSync(e, syncUpdate, update) })
  const targets = room.conns.filter((_, i) => i + 1 !== starveIndex)
  if (fault === 'reorder-first-doc' && room.name === firstDoc) {
    if (room.held === undefined) {
      room.held = frame
      room.passedHeld = 0
      return
    }
    for (const conn of targets) deliver(conn, frame)
    if (++room.passedHeld >= reorderWindow) {
      for (const conn of targets) deliver(conn, room.held)
      room.held = undefined
    }
    return
  }
  for (const conn of targets) deliver(conn, frame)
}

/** Makes `doc` the room's document, relaying its updates. */
const useDoc = (room: Room, doc: Y.Doc): void => {
  room.doc = doc
  doc.on('update', (update: Uint8Array) => { relay(room, update) })
}

const roomFor = (name: string): Room => {
  let room = rooms.get(name)
  if (room === undefined) {
    firstDoc ??= name
    const doc = new Y.Doc()
    const created: Room = { name, doc, awareness: new awarenessProtocol.Awareness(doc), conns: [], passedHeld: 0, updates: 0, writes: [] }
    useDoc(created, doc)
    created.awareness.setLocalState(null)
    created.awareness.on('update', ({ added, updated, removed }: { added: number[], updated: number[], removed: number[] }) => {
      const frame = encodeFrame(e => { writeAwareness(e, awarenessProtocol.encodeAwarenessUpdate(created.awareness, [...added, ...updated, ...removed])) })
      for (const conn of created.conns) send(conn, frame)
    })
    rooms.set(name, created)
    room = created
  }
  return room
}

/** forget-departed: the room's document rebuilt from every other connection's writes; peers are not told. */
const forget = (room: Room, departed: WebSocket): void => {
  room.writes = room.writes.filter(write => write.conn !== departed)
  const doc = new Y.Doc()
  for (const { update } of room.writes) Y.applyUpdate(doc, update)
  useDoc(room, doc)
}

let upgrades = 0
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port,
  verifyClient: (_info, accept) => { accept(refuseEvery === 0 || ++upgrades % refuseEvery !== 0, 503) }
})
wss.on('connection', (conn, req) => {
  const url = new URL(req.url ?? '/', 'http://x')
  const room = roomFor(decodeURIComponent(url.pathname.slice(1)))
  const ackConn = acks && url.searchParams.get(ackQueryParam) === '1'
  /** Document-writing sync messages (step2 or update) received on this connection. */
  let written = 0
  room.conns.push(conn)
  conn.binaryType = 'arraybuffer'
  if (ackConn) send(conn, encodeFrame(e => { writeAck(e, 0) }))
  send(conn, encodeFrame(e => { writeSync(e, syncStep1, Y.encodeStateVector(room.doc)) }))
  const handle = (data: Uint8Array): void => {
    const frame = readFrame(data)
    if (frame.type === 'sync') {
      if (frame.syncType === syncStep1) {
        send(conn, encodeFrame(e => { writeSync(e, syncStep2, Y.encodeStateAsUpdate(room.doc, frame.payload)) }))
        return
      }
      written++
      if (dropEvery === 0 || ++room.updates % dropEvery !== 0) {
        Y.applyUpdate(room.doc, frame.payload, conn)
        if (fault === 'forget-departed') room.writes.push({ conn, update: frame.payload })
      }
      if (ackConn) send(conn, encodeFrame(e => { writeAck(e, written) }))
    } else if (frame.type === 'awareness') {
      awarenessProtocol.applyAwarenessUpdate(room.awareness, frame.update, conn)
    } else if (frame.type === 'queryAwareness') {
      send(conn, encodeFrame(e => { writeAwareness(e, awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...room.awareness.getStates().keys()])) }))
    }
  }
  conn.on('message', (data: ArrayBuffer) => {
    try {
      handle(new Uint8Array(data))
    } catch (error) {
      // Its deliberate fault is the relay's only bug: a bad frame closes just the connection that sent it.
      conn.close(1002, `bad frame: ${(error as Error).message}`.slice(0, 120))
    }
  })
  conn.on('close', () => {
    room.conns.splice(room.conns.indexOf(conn), 1)
    if (fault === 'forget-departed') forget(room, conn)
  })
})
if (closeEveryMs !== undefined) {
  setInterval(() => {
    const conns = [...wss.clients]
    conns[Math.floor(Math.random() * conns.length)]?.close(1011, 'closed at random by the faulty relay')
  }, closeEveryMs).unref()
}
wss.on('listening', () => { console.log(`faulty relay (${fault}${acks ? ', acks' : ''}) listening on 127.0.0.1:${port}`) })
const shutdown = (): void => { wss.close(); process.exit(0) }
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
