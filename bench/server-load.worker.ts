/**
 * Load generator for bench/server.bench.ts, run in a worker thread so that it
 * never shares a thread with the bench's bookkeeping (the server under test is a
 * separate process).
 *
 * Each connection owns a Y.Doc whose clientID is `index + 1`; its updates
 * (`map.set('k', j)`) are encoded before the run, so sending costs nothing but
 * the socket write. A received update starts with
 * `[structGroups][structs][client][clock]`, which identifies sender and j, so
 * delivery latency is `now - sendTime[sender][j]` without applying the update.
 *
 * Dialects: `y-websocket` (the document is the URL path) and `hocuspocus`
 * (every frame starts with the document name as a varString, and a connection
 * opens each document with an Auth message carrying a token, empty here).
 *
 * Input (workerData): LoadOptions. Output (one message): LoadResult.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import * as hdr from 'hdr-histogram-js'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { z } from 'zod'
import { encodeFrame, messageAck, messageSync, syncStep1, syncStep2, syncUpdate, writeSync } from '../protocol/wire.ts'

export const loadOptionsSchema = z.object({
  url: z.string(),
  connections: z.number().int().min(2),
  rooms: z.number().int().min(1),
  updatesPerSec: z.number().positive(),
  durationMs: z.number().int().positive(),
  /** Ask for acks (the reference server sends them; the others do not). */
  ack: z.boolean(),
  dialect: z.enum(['y-websocket', 'hocuspocus'])
})
export type LoadOptions = z.infer<typeof loadOptionsSchema>

export interface Percentiles { p50: number, p95: number, p99: number, max: number, count: number }
export interface LoadResult {
  sent: number
  relayed: number
  echoes: number
  acked: number
  measuredMs: number
  delivery: Percentiles
  ack: Percentiles
  generatorLagP99Ms: number
  closed: number
}

const tickMs = 5
const drainMs = 3000
const connectBatch = 50

const options = loadOptionsSchema.parse(workerData)
const perConn = Math.ceil(options.updatesPerSec * options.durationMs / 1000)
const intervalMs = 1000 / options.updatesPerSec
const sendTimes = new Float64Array(options.connections * perConn)
const histogram = (): hdr.Histogram => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 })
const deliveryUs = histogram()
const ackUs = histogram()
let relayed = 0
let echoes = 0
let acked = 0
let closed = 0
let measuring = false

const hocuspocus = options.dialect === 'hocuspocus'
const roomOf = (index: number): string => `room-${index % options.rooms}`
/** Hocuspocus Auth message, token type, and its Authenticated answer. */
const messageAuth = 2
const authToken = 0

/** One frame in the dialect: Hocuspocus puts the document name first. */
const frame = (room: string, write: (e: encoding.Encoder) => void): Uint8Array => encodeFrame(e => {
  if (hocuspocus) encoding.writeVarString(e, room)
  write(e)
})

/** Pre-encoded update frames of one connection. */
const makeFrames = (index: number): Uint8Array[] => {
  const doc = new Y.Doc()
  doc.clientID = index + 1
  const frames: Uint8Array[] = []
  const room = roomOf(index)
  doc.on('update', (update: Uint8Array) => frames.push(frame(room, e => writeSync(e, syncUpdate, update))))
  const map = doc.getMap('m')
  for (let j = 0; j < perConn; j++) map.set('k', j)
  doc.destroy()
  return frames
}

interface Conn {
  index: number
  ws: WebSocket
  frames: Uint8Array[]
  next: number
  phaseMs: number
  ackedUpTo: number
}

const onMessage = (conn: Conn, data: Buffer): void => {
  const decoder = decoding.createDecoder(data)
  if (hocuspocus) decoding.readVarString(decoder)
  const type = decoding.readVarUint(decoder)
  if (type === messageAck) {
    // Write 1 is our step2 reply; update j is write j + 2.
    const durable = decoding.readVarUint(decoder) - 2
    const now = performance.now()
    for (let j = conn.ackedUpTo + 1; j <= durable && j < conn.next; j++) {
      if (measuring) ackUs.recordValue(Math.max(1, Math.round((now - sendTimes[conn.index * perConn + j]) * 1000)))
      acked++
    }
    conn.ackedUpTo = Math.max(conn.ackedUpTo, durable)
    return
  }
  if (type !== messageSync) return
  const syncType = decoding.readVarUint(decoder)
  if (syncType === syncStep1) {
    conn.ws.send(frame(roomOf(conn.index), e => writeSync(e, syncStep2, new Uint8Array([0, 0]))))
    return
  }
  decoding.readVarUint(decoder) // update length
  if (decoding.readVarUint(decoder) === 0) return // no structs (e.g. the initial step2)
  decoding.readVarUint(decoder) // structs in the first group
  const sender = decoding.readVarUint(decoder) - 1
  const clock = decoding.readVarUint(decoder)
  if (sender === conn.index) {
    echoes++
    return
  }
  if (sender < 0 || sender >= options.connections || clock >= perConn) return
  relayed++
  if (measuring) deliveryUs.recordValue(Math.max(1, Math.round((performance.now() - sendTimes[sender * perConn + clock]) * 1000)))
}

const open = (index: number): Promise<Conn> => new Promise((resolve, reject) => {
  const room = roomOf(index)
  const ws = new WebSocket(`${options.url}/${room}${options.ack ? '?ack=1' : ''}`, { perMessageDeflate: false })
  const conn: Conn = { index, ws, frames: makeFrames(index), next: 0, phaseMs: Math.random() * intervalMs, ackedUpTo: -1 }
  ws.binaryType = 'nodebuffer'
  ws.on('message', (data: Buffer) => onMessage(conn, data))
  ws.once('open', () => {
    // Hocuspocus holds every other message of a document until it is authenticated.
    if (hocuspocus) ws.send(frame(room, e => { encoding.writeVarUint(e, messageAuth); encoding.writeVarUint(e, authToken); encoding.writeVarString(e, '') }))
    resolve(conn)
  })
  ws.once('error', reject)
  ws.on('close', () => { closed++ })
})

const percentiles = (h: hdr.Histogram): Percentiles => ({
  p50: h.getValueAtPercentile(50) / 1000,
  p95: h.getValueAtPercentile(95) / 1000,
  p99: h.getValueAtPercentile(99) / 1000,
  max: h.maxValue / 1000,
  count: h.totalCount
})

const run = async (): Promise<LoadResult> => {
  const conns: Conn[] = []
  for (let i = 0; i < options.connections; i += connectBatch) {
    const batch = []
    for (let k = i; k < Math.min(options.connections, i + connectBatch); k++) batch.push(open(k))
    conns.push(...await Promise.all(batch))
  }
  await new Promise(resolve => setTimeout(resolve, 500))
  const lag = monitorEventLoopDelay({ resolution: 10 })
  lag.enable()
  measuring = true
  const startMs = performance.now()
  let sent = 0
  await new Promise<void>(resolve => {
    const timer = setInterval(() => {
      const elapsedMs = performance.now() - startMs
      for (const conn of conns) {
        while (conn.next < perConn && conn.phaseMs + conn.next * intervalMs <= elapsedMs) {
          if (conn.ws.readyState !== WebSocket.OPEN) { conn.next = perConn; break }
          sendTimes[conn.index * perConn + conn.next] = performance.now()
          conn.ws.send(conn.frames[conn.next])
          conn.next++
          sent++
        }
      }
      if (elapsedMs >= options.durationMs) {
        clearInterval(timer)
        resolve()
      }
    }, tickMs)
  })
  const measuredMs = performance.now() - startMs
  await new Promise(resolve => setTimeout(resolve, drainMs))
  measuring = false
  lag.disable()
  for (const conn of conns) conn.ws.terminate()
  return {
    sent,
    relayed,
    echoes,
    acked,
    measuredMs,
    delivery: percentiles(deliveryUs),
    ack: percentiles(ackUs),
    generatorLagP99Ms: lag.percentile(99) / 1e6,
    closed
  }
}

run().then(result => parentPort?.postMessage({ ok: true, result }), err => parentPort?.postMessage({ ok: false, error: String((err as Error).stack ?? err) }))
