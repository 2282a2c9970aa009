/**
 * One document's connections: the y-websocket exchange, relay and awareness.
 *
 * Exchange (server side, as y-websocket's server):
 *   on join:    [ack(0) if asked] step1(server sv) [awareness of all known clients]
 *   step1(sv):  reply step2(diff against sv)
 *   step2/update: check its structure; relay the raw frame to the other
 *               connections at once; append it to the log; ack(n) to the sender
 *               after the group commit that made it durable
 *   awareness:  apply; broadcast the change to every connection
 *   queryAwareness: reply with all awareness states
 *   anything else (auth, ack, unknown types): skipped
 *
 * Updates are not applied to a Y.Doc on receipt, as y-redis does: decoding and
 * integrating each one cost more than everything else on the relay path. The
 * store materialises the document from the log when its state is needed (the
 * step1 sent on join, step2 answers, compaction). What is rejected: a frame
 * that does not parse (4400), and an update whose struct layout Yjs cannot
 * decode (4422) - the same decoder `Y.applyUpdate` runs first.
 *
 * @module server/sync/room
 */
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import {
  encodeFrame, readFrame, FrameError, writeAck, writeAwareness, writeSync,
  syncStep1, syncStep2, syncUpdate, type Frame
} from '../../protocol/wire.ts'
import { kind, type ServerMetrics } from '../metrics.ts'
import type { StoredDoc } from '../storage/doc-store.ts'
import type { Connection } from './connection.ts'

type AwarenessChange = { added: number[], updated: number[], removed: number[] }

/** A loaded document with its connections. `destroy()` stops its awareness timer. */
export class Room {
  readonly conns = new Set<Connection>()
  readonly awareness: awarenessProtocol.Awareness

  constructor (readonly stored: StoredDoc, private readonly metrics: ServerMetrics) {
    // Awareness needs a doc only for a client id of its own; the document's doc stays lazy.
    this.awareness = new awarenessProtocol.Awareness(new Y.Doc())
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onAwarenessUpdate)
  }

  /** Adds a connection and sends it the opening messages. */
  join (conn: Connection): void {
    this.conns.add(conn)
    if (conn.ackEnabled) conn.send(encodeFrame(e => writeAck(e, 0)), kind.ack)
    const sv = Y.encodeStateVector(this.stored.doc)
    conn.send(encodeFrame(e => writeSync(e, syncStep1, sv)), kind.syncStep1)
    const states = this.awareness.getStates()
    if (states.size > 0) {
      const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])
      conn.send(encodeFrame(e => writeAwareness(e, update)), kind.awareness)
    }
  }

  /** Removes a connection and the awareness states it controlled (broadcast as removed). */
  leave (conn: Connection): void {
    this.conns.delete(conn)
    if (conn.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.awarenessIds], null)
    }
  }

  /**
   * Handles one received frame. A bad frame or update closes only `conn`.
   * @param {Connection} conn the sender
   * @param {Uint8Array} data the whole frame (kept by reference for relay and the log)
   */
  handle (conn: Connection, data: Uint8Array): void {
    let frame: Frame
    try {
      frame = readFrame(data)
    } catch (err) {
      this.metrics.messagesIn[kind.unknown]++
      conn.fail('SYNC_ERR_BAD_FRAME', (err as FrameError).message)
      return
    }
    switch (frame.type) {
      case 'sync':
        if (frame.syncType === syncStep1) this.replyStep2(conn, frame.payload, data.byteLength)
        else this.applyWrite(conn, frame.syncType, frame.payload, data)
        return
      case 'awareness':
        this.count(kind.awareness, data.byteLength)
        try {
          awarenessProtocol.applyAwarenessUpdate(this.awareness, frame.update, conn)
        } catch (err) {
          conn.fail('SYNC_ERR_BAD_FRAME', `awareness update is invalid (${(err as Error).message})`)
        }
        return
      case 'queryAwareness': {
        this.count(kind.queryAwareness, data.byteLength)
        const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])
        conn.send(encodeFrame(e => writeAwareness(e, update)), kind.awareness)
        return
      }
      case 'auth':
        this.count(kind.auth, data.byteLength)
        return
      case 'ack':
        this.count(kind.ack, data.byteLength)
        return
      default:
        this.count(kind.unknown, data.byteLength)
    }
  }

  /** Stops listening to the document and the awareness timer. */
  destroy (): void {
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.awareness.doc.destroy()
  }

  private count (messageKind: number, bytes: number): void {
    this.metrics.messagesIn[messageKind]++
    this.metrics.bytesIn[messageKind] += bytes
  }

  private replyStep2 (conn: Connection, stateVector: Uint8Array, bytes: number): void {
    this.count(kind.syncStep1, bytes)
    let diff: Uint8Array
    try {
      diff = Y.encodeStateAsUpdate(this.stored.doc, stateVector)
    } catch (err) {
      conn.fail('SYNC_ERR_BAD_FRAME', `step1 state vector is invalid (${(err as Error).message})`)
      return
    }
    conn.send(encodeFrame(e => writeSync(e, syncStep2, diff)), kind.syncStep2)
  }

  private applyWrite (conn: Connection, syncType: 1 | 2, update: Uint8Array, data: Uint8Array): void {
    this.count(syncType === syncUpdate ? kind.syncUpdate : kind.syncStep2, data.byteLength)
    const seq = ++conn.received
    let shape: ReturnType<typeof Y.decodeUpdate>
    try {
      shape = Y.decodeUpdate(update)
    } catch (err) {
      conn.fail('SYNC_ERR_BAD_UPDATE', (err as Error).message)
      return
    }
    // An update with nothing in it (a step2 answering an equal state) is acked, not relayed or logged.
    if (shape.structs.length === 0 && shape.ds.clients.size === 0) {
      this.stored.log.append(null, conn, seq)
      return
    }
    // One owned frame, shared by every peer and the log. An update frame is copied as
    // received (a view would pin its whole socket chunk while queued); step2 is re-encoded.
    const relay = syncType === syncUpdate ? new Uint8Array(data) : encodeFrame(e => writeSync(e, syncUpdate, update))
    for (const peer of this.conns) if (peer !== conn) peer.send(relay, kind.syncUpdate)
    // readFrame rejects trailing bytes, so the update is the end of the frame.
    this.stored.log.append(relay.subarray(relay.byteLength - update.byteLength), conn, seq)
  }

  private readonly onAwarenessUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    const conn = origin as Connection | null
    if (conn !== null && this.conns.has(conn)) {
      for (const id of added) conn.awarenessIds.add(id)
      for (const id of removed) conn.awarenessIds.delete(id)
    }
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, added.concat(updated, removed))
    const frame = encodeFrame(e => writeAwareness(e, update))
    for (const peer of this.conns) peer.send(frame, kind.awareness)
  }
}
