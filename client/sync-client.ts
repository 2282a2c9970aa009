/**
 * The reference SDK client: one Y.Doc synced over the y-websocket protocol
 * (protocol/wire.ts), for browsers and Node alike (the WebSocket class is
 * injected). It reconnects by itself with capped exponential backoff and full
 * jitter, resyncs by state vector on every connection, keeps offline edits,
 * detects dead connections with a protocol-level heartbeat, tracks durable-write
 * acks per op, and optionally persists the doc in a local store.
 *
 * Instrumentation is always on and cheap: connection events, bytes and
 * messages, local op history with invoke/ack times, remote op first-visible
 * times, store timings and errors (client/harness/api.ts ReplicaStats).
 *
 * @module client/sync-client
 */
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { ObservableV2 } from 'lib0/observable'
import {
  readFrame, encodeFrame, writeSync, writeAwareness, writeQueryAwareness, FrameError,
  ackQueryParam, syncStep1, syncStep2, syncUpdate, type Frame
} from '../protocol/wire.ts'
import { applyOp, opsOf, opIdsAddedBy, type WorkloadOp } from '../model/todo-doc.ts'
import { digestDoc } from '../model/digest.ts'
import { StoreError } from './store/store.ts'
import { nowMs } from './clock.ts'
import { backoffDelayMs } from './backoff.ts'
import { AckTracker } from './ack-tracker.ts'
import { Heartbeat } from './heartbeat.ts'
import { DocPersistence, type OpenDocStore } from './persistence.ts'
import type { ConnectionEvent, LocalOpRecord, ReplicaStats, ResolvedConnectOptions } from './harness/api.ts'

/** The part of the WebSocket API the client uses: met by the browser's WebSocket and by `ws`. */
export interface WebSocketLike {
  binaryType: string
  readonly readyState: number
  send: (data: Uint8Array) => void
  close: (code?: number, reason?: string) => void
  onopen: ((event: any) => void) | null
  onmessage: ((event: any) => void) | null
  onclose: ((event: any) => void) | null
  onerror: ((event: any) => void) | null
}
export type WebSocketConstructor = new (url: string) => WebSocketLike

export interface SyncClientDeps {
  WebSocket: WebSocketConstructor
  /** Needed when options.store is not 'none'. */
  openDocStore?: OpenDocStore
}

export interface SyncClientEvents {
  connection: (event: ConnectionEvent) => void
  ack: (event: { opId: string, latencyMs: number }) => void
  error: (event: { message: string, code?: string }) => void
}

/** Transaction origins: tell remote and restored updates from local edits. */
const remoteOrigin = Symbol('syncstorm-remote')
const storeOrigin = Symbol('syncstorm-store')

const wsOpen = 1
/** Close code for closes the client decides (heartbeat, bad frame): application range. */
const clientCloseCode = 4000
/** y-websocket renews awareness every 15 s; servers echo it, which keeps liveness. */
const awarenessRenewMs = 15_000
/** Bounded instrumentation lists (the history and `seen` are what the suite needs in full). */
const maxTimings = 10_000
const maxErrors = 1_000
const maxConnectionEvents = 10_000

/**
 * @param {ResolvedConnectOptions} options
 * @return {string} `${url}/${encodeURIComponent(docName)}` with ack/token/clientId query parameters;
 *   `clientId` lets a fault proxy target this replica, and servers ignore it
 */
export const replicaUrl = (options: ResolvedConnectOptions): string => {
  const params = new URLSearchParams()
  if (options.ack) params.set(ackQueryParam, '1')
  params.set('clientId', options.replicaId)
  if (options.token !== undefined) params.set('token', options.token)
  const query = params.toString()
  return `${options.url.replace(/\/+$/, '')}/${encodeURIComponent(options.docName)}${query === '' ? '' : `?${query}`}`
}

/**
 * One replica's store namespace: readable, at most 80 characters (the stores' limit),
 * and distinct per (replicaId, docName) through a hash of both.
 * @param {{ replicaId: string, docName: string }} options
 */
export const storeNamespace = (options: { replicaId: string, docName: string }): string =>
  `${options.replicaId.slice(0, 60)}-${fnv1a(`${options.replicaId}\u0000${options.docName}`)}`

/** FNV-1a, 32 bits, as 8 hex digits: a short stable name, not a security measure. */
const fnv1a = (text: string): string => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return (hash >>> 0).toString(16).padStart(8, '0')
}

export class SyncClient extends ObservableV2<SyncClientEvents> {
  readonly doc = new Y.Doc()
  readonly awareness = new awarenessProtocol.Awareness(this.doc)
  private readonly url: string
  private readonly tracker = new AckTracker()
  private readonly heartbeat: Heartbeat | undefined
  private socket: WebSocketLike | undefined
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  /** Bounds a handshake that never completes (a blackholed link), separately from the heartbeat. */
  private connectTimer: ReturnType<typeof setTimeout> | undefined
  private persistence: DocPersistence | undefined
  private destroyed = false
  private started = false
  /** Consecutive attempts since the last successful sync: drives the backoff. */
  private attempt = 0
  private connectionAckMode: ReplicaStats['ackMode'] = 'unknown'
  private lastAwarenessSentMs = 0
  /** Op ids of the local transaction in progress, so the update it emits can carry them. */
  private applying: string[] = []
  private readonly localOps = new Map<string, LocalOpRecord>()
  private readonly seen = new Map<string, number>()
  /** Whether the doc's 'update' event is listened to for every transaction, not only around local edits. */
  private readonly encodesEveryUpdate: boolean
  /** Only with the deliberate `leakReceivedUpdates` bug: every received update, its transaction and decoded structs, never released. */
  private readonly leakedUpdates: Array<{ update: Uint8Array, transaction: Y.Transaction, decoded: ReturnType<typeof Y.decodeUpdate> }> = []
  private readonly stats: Omit<ReplicaStats, 'history' | 'seen' | 'pendingAcks' | 'replicaId'>

  constructor (readonly options: ResolvedConnectOptions, private readonly deps: SyncClientDeps) {
    super()
    this.url = replicaUrl(options)
    this.stats = {
      ackMode: 'unknown', state: 'closed', connection: [],
      bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0, reconnectAttempts: 0,
      storeTimings: [], errors: []
    }
    if (options.heartbeat !== false) {
      const heartbeatOptions = options.heartbeat
      this.heartbeat = new Heartbeat(heartbeatOptions, {
        ping: () => this.ping(Math.min(awarenessRenewMs, heartbeatOptions.timeoutMs / 2)),
        timeout: () => this.dropConnection('heartbeat-timeout')
      })
    }
    // Yjs encodes every transaction's update for 'update' listeners, O(clients in the doc) each: only a store (which
    // keeps received updates too) or the leak bug listens all the time; otherwise only local edits are encoded (apply).
    this.encodesEveryUpdate = options.store !== 'none' || options.leakReceivedUpdates === true
    if (this.encodesEveryUpdate) this.doc.on('update', this.onDocUpdate)
    this.awareness.on('update', this.onAwarenessUpdate)
    opsOf(this.doc).observe(this.onOpsChange)
    this.awareness.setLocalState({ replicaId: options.replicaId })
  }

  /**
   * Restores from the local store (if any), then starts connecting.
   * Resolves once the store is restored, not once synced.
   * @throws the store's error when the store cannot be opened or read
   */
  async start (): Promise<void> {
    if (this.started) throw new Error(`replica ${this.options.replicaId} is already started: call start() once.`)
    this.started = true
    if (this.options.store !== 'none') {
      if (this.deps.openDocStore === undefined) {
        throw new Error(`store '${this.options.store}' is not available in this host: use store 'none'.`)
      }
      const namespace = storeNamespace(this.options)
      try {
        const { persistence, updates } = await DocPersistence.open(this.deps.openDocStore, this.options.store, namespace, this.doc, storeOrigin, {
          onError: err => this.recordError(err),
          onTiming: (op, ms) => this.recordTiming(op, ms)
        })
        this.persistence = persistence
        this.stats.restoredFromStore = { at: nowMs(), updates, beforeNetwork: this.stats.messagesIn === 0 }
      } catch (err) {
        this.recordError(err)
        throw err
      }
    }
    if (!this.destroyed) this.connect('initial')
  }

  /**
   * Applies one workload op locally; it reaches the server now if connected,
   * or with the step2 of the next connection.
   * @return the todo a read returned (null for writes and missing todos)
   */
  apply (op: WorkloadOp): { title: string, done: boolean } | null {
    const record: LocalOpRecord = { opId: op.opId, kind: op.kind, invokedAt: nowMs() }
    if (this.localOps.has(op.opId)) throw new Error(`op id ${op.opId} was already used by this replica: op ids must be unique.`)
    this.localOps.set(op.opId, record)
    if (op.kind === 'read') return applyOp(this.doc, op, this)
    this.tracker.invoke(op.opId)
    this.applying = [op.opId]
    if (!this.encodesEveryUpdate) this.doc.on('update', this.onDocUpdate)
    try {
      return applyOp(this.doc, op, this)
    } finally {
      this.applying = []
      if (!this.encodesEveryUpdate) this.doc.off('update', this.onDocUpdate)
    }
  }

  /** @return {Promise<string>} model/digest.ts digest of the doc */
  async digest (): Promise<string> {
    return digestDoc(this.doc)
  }

  /** @return {string[]} every op id in the doc's grow-only `ops` map */
  opIds (): string[] {
    return [...opsOf(this.doc).keys()]
  }

  get state (): ReplicaStats['state'] {
    return this.stats.state
  }

  get ackMode (): ReplicaStats['ackMode'] {
    return this.stats.ackMode
  }

  get pendingAcks (): number {
    return this.tracker.pending
  }

  /** A snapshot safe to serialise (copies, not live objects). */
  snapshot (): ReplicaStats {
    return {
      ...this.stats,
      replicaId: this.options.replicaId,
      history: [...this.localOps.values()].map(record => ({ ...record })),
      seen: Object.fromEntries(this.seen),
      connection: [...this.stats.connection],
      pendingAcks: this.tracker.pending,
      storeTimings: [...this.stats.storeTimings],
      ...(this.persistence === undefined ? {} : { storePending: this.persistence.pending }),
      errors: [...this.stats.errors]
    }
  }

  /** Clears every timer and listener, closes the socket, then flushes and closes the store. */
  async close (): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = undefined
    if (this.socket !== undefined) this.dropConnection('closed-by-user')
    else if (this.stats.state !== 'closed') this.setState('closed', 'closed-by-user')
    this.doc.off('update', this.onDocUpdate)
    this.awareness.off('update', this.onAwarenessUpdate)
    opsOf(this.doc).unobserve(this.onOpsChange)
    this.awareness.destroy()
    await this.persistence?.close()
    this.doc.destroy()
    super.destroy()
  }

  /** Synchronous part of close(); the store finishes closing in the background. */
  override destroy (): void {
    void this.close()
  }

  private connect (reason: 'initial' | 'reconnect'): void {
    this.reconnectTimer = undefined
    if (reason === 'reconnect') this.stats.reconnectAttempts += 1
    this.setState('connecting', reason)
    this.connectionAckMode = 'unknown'
    let socket: WebSocketLike
    let opened = false
    try {
      socket = new this.deps.WebSocket(this.url)
    } catch (err) {
      this.recordError(err)
      this.scheduleReconnect()
      return
    }
    socket.binaryType = 'arraybuffer'
    this.socket = socket
    this.connectTimer = setTimeout(() => {
      this.connectTimer = undefined
      if (this.socket === socket && !opened) this.dropConnection('connect-timeout')
    }, this.options.connectTimeoutMs)
    // Watching from the start also bounds a handshake that never completes (a blackholed SYN).
    this.heartbeat?.start()
    socket.onopen = () => {
      opened = true
      this.clearConnectTimer()
      this.heartbeat?.received()
      this.setState('open', reason)
      this.lastAwarenessSentMs = 0
      this.send(encodeFrame(encoder => writeSync(encoder, syncStep1, Y.encodeStateVector(this.doc))))
      this.sendAwareness([this.doc.clientID])
    }
    socket.onmessage = (event: { data: unknown }) => this.onMessage(event.data)
    // Browsers report no detail on error; the close event that follows carries the code.
    socket.onerror = () => {}
    socket.onclose = (event: { code: number, reason: string }) => {
      this.detach(socket)
      const why = opened ? `server-close:${event.code}:${event.reason}` : `connect-failed:${event.code}`
      this.connectionEnded(why)
    }
  }

  private onMessage (data: unknown): void {
    const bytes = toBytes(data)
    if (bytes === undefined) {
      this.recordError(new Error('received a text WebSocket message: the y-websocket protocol sends binary frames only'))
      return
    }
    this.stats.bytesIn += bytes.byteLength
    this.stats.messagesIn += 1
    this.heartbeat?.received()
    let frame: Frame
    try {
      frame = readFrame(bytes)
    } catch (err) {
      if (!(err instanceof FrameError)) throw err
      this.recordError(new Error(`bad frame from the server, reconnecting: ${err.message}`))
      this.dropConnection('bad-frame')
      return
    }
    try {
      this.handleFrame(frame)
    } catch (err) {
      this.recordError(new Error(`could not apply a ${frame.type} frame from the server, reconnecting: ${(err as Error).message}`))
      this.dropConnection('bad-frame')
    }
  }

  private handleFrame (frame: Frame): void {
    switch (frame.type) {
      case 'ack': {
        if (this.connectionAckMode === 'unknown') this.setAckMode('ack')
        const at = nowMs()
        for (const opId of this.tracker.ack(frame.durableCount)) {
          const record = this.localOps.get(opId)
          if (record === undefined || record.ackedAt !== undefined) continue
          record.ackedAt = at
          this.emit('ack', [{ opId, latencyMs: at - record.invokedAt }])
        }
        return
      }
      case 'sync':
        // Never fake acks: a server that syncs before announcing acks does not ack.
        if (this.connectionAckMode === 'unknown') this.setAckMode('no-ack')
        if (frame.syncType === syncStep1) {
          const diff = Y.encodeStateAsUpdate(this.doc, frame.payload)
          this.tracker.carryUnsent()
          this.send(encodeFrame(encoder => writeSync(encoder, syncStep2, diff)))
        } else {
          Y.applyUpdate(this.doc, frame.payload, remoteOrigin)
          if (frame.syncType === syncStep2 && this.stats.state === 'open') this.setState('synced', this.lastConnectReason())
        }
        return
      case 'awareness':
        awarenessProtocol.applyAwarenessUpdate(this.awareness, frame.update, remoteOrigin)
        return
      case 'queryAwareness':
        this.sendAwareness([...this.awareness.getStates().keys()])
        return
      case 'auth':
        this.recordError(new Error(`the server denied access: ${frame.reason}`))
        return
      case 'unknown':
        // Unknown extensions are skipped, as y-websocket peers do.
    }
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    if (this.options.leakReceivedUpdates && origin === remoteOrigin) this.leakedUpdates.push({ update, transaction, decoded: Y.decodeUpdate(update) })
    if (origin !== storeOrigin) this.persistence?.append(update)
    if (origin === remoteOrigin || origin === storeOrigin) return
    if (this.socket?.readyState !== wsOpen) return // carried by the next connection's step2
    this.tracker.carry(this.applying)
    this.send(encodeFrame(encoder => writeSync(encoder, syncUpdate, update)))
  }

  private readonly onAwarenessUpdate = ({ added, updated, removed }: { added: number[], updated: number[], removed: number[] }, origin: unknown): void => {
    if (origin === remoteOrigin) return
    this.sendAwareness([...added, ...updated, ...removed])
  }

  private readonly onOpsChange = (event: Y.YMapEvent<string>): void => {
    if (event.transaction.origin !== remoteOrigin) return
    const at = nowMs()
    for (const opId of opIdsAddedBy(event)) {
      if (!this.localOps.has(opId) && !this.seen.has(opId)) this.seen.set(opId, at)
    }
  }

  private ping (renewAfterMs: number): void {
    this.send(encodeFrame(writeQueryAwareness))
    if (performance.now() - this.lastAwarenessSentMs >= renewAfterMs) {
      // Renewing the local state makes echoing servers answer too.
      this.awareness.setLocalState(this.awareness.getLocalState())
    }
  }

  private sendAwareness (clients: number[]): void {
    if (clients.length === 0) return
    this.lastAwarenessSentMs = performance.now()
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients)
    this.send(encodeFrame(encoder => writeAwareness(encoder, update)))
  }

  private send (frame: Uint8Array): void {
    const socket = this.socket
    if (socket === undefined || socket.readyState !== wsOpen) return
    socket.send(frame)
    this.stats.bytesOut += frame.byteLength
    this.stats.messagesOut += 1
  }

  /** Closes the current socket from our side and handles the close now: a half-open socket may never report it. */
  private dropConnection (reason: string): void {
    const socket = this.socket
    if (socket === undefined) return
    this.detach(socket)
    try {
      socket.close(clientCloseCode, reason)
    } catch (err) {
      this.recordError(err)
    }
    this.connectionEnded(reason)
  }

  private clearConnectTimer (): void {
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer)
    this.connectTimer = undefined
  }

  private detach (socket: WebSocketLike): void {
    this.clearConnectTimer()
    socket.onopen = null
    socket.onmessage = null
    socket.onclose = null
    // Keep a no-op error handler: `ws` throws on an unhandled 'error' event.
    socket.onerror = () => {}
    if (this.socket === socket) this.socket = undefined
  }

  private connectionEnded (reason: string): void {
    this.heartbeat?.stop()
    this.tracker.connectionEnded()
    const remote = [...this.awareness.getStates().keys()].filter(client => client !== this.doc.clientID)
    awarenessProtocol.removeAwarenessStates(this.awareness, remote, remoteOrigin)
    this.setState('closed', reason)
    if (!this.destroyed) this.scheduleReconnect()
  }

  private scheduleReconnect (): void {
    const delayMs = backoffDelayMs(this.attempt, this.options.backoff)
    this.attempt += 1
    this.reconnectTimer = setTimeout(() => this.connect('reconnect'), delayMs)
  }

  private setState (state: ReplicaStats['state'], reason: string): void {
    if (state === 'synced') this.attempt = 0
    this.stats.state = state
    const event: ConnectionEvent = { t: nowMs(), state, reason, attempt: this.attempt }
    if (this.stats.connection.length < maxConnectionEvents) this.stats.connection.push(event)
    this.emit('connection', [event])
  }

  private lastConnectReason (): string {
    const events = this.stats.connection
    for (let i = events.length - 1; i >= 0; i--) if (events[i].state === 'connecting') return events[i].reason
    return 'initial'
  }

  private setAckMode (mode: 'ack' | 'no-ack'): void {
    this.connectionAckMode = mode
    this.stats.ackMode = mode
  }

  private recordTiming (op: string, ms: number): void {
    if (this.stats.storeTimings.length < maxTimings) this.stats.storeTimings.push({ op, ms })
  }

  private recordError (err: unknown): void {
    const code = err instanceof StoreError ? err.code : undefined
    const message = err instanceof Error ? err.message : String(err)
    if (this.stats.errors.length < maxErrors) this.stats.errors.push(message)
    this.emit('error', [{ message, code }])
  }
}

const toBytes = (data: unknown): Uint8Array | undefined => {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return undefined
}
