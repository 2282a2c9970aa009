/**
 * One replica of any stack, through its adapter (client/adapter/contract.ts),
 * with the instrumentation the suite needs: op history with invoke and ack
 * times, first-visible times of remote ops, connection events, and bytes and
 * messages counted on an instrumented WebSocket class. It offers what
 * client/replica-host.ts needs from a replica, so the one host runs
 * schedules and waits for the reference client and adapters alike.
 *
 * @module client/adapter/adapter-client
 */
import type { WorkloadOp } from '../../model/todo-doc.ts'
import { canonicalJson, sha256Hex } from '../../model/digest.ts'
import { nowMs } from '../clock.ts'
import type { ConnectionEvent, LocalOpRecord, ReplicaStats, ResolvedConnectOptions } from '../harness/api.ts'
import type { WebSocketConstructor } from '../sync-client.ts'
import {
  adapterReplicaSchema, checkAdapterValue, connectionChangeSchema, docStateSchema, opIdListSchema,
  type Adapter, type AdapterReplica, type AdapterReports
} from './contract.ts'

interface Counters { bytesIn: number, bytesOut: number, messagesIn: number, messagesOut: number }

const maxErrors = 1_000
const maxConnectionEvents = 10_000

const sizeOfBytes = (data: unknown): number => {
  if (typeof data === 'string') return new TextEncoder().encode(data).byteLength
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size
  return 0
}

/**
 * A subclass of the host's WebSocket that counts this replica's traffic.
 * @param {WebSocketConstructor} Base the browser's WebSocket or `ws`
 * @param onCreated called for every socket made: the host tells a new attempt from a repeated report by it
 */
export const countingWebSocket = (Base: WebSocketConstructor, counters: Counters, onCreated: () => void = () => {}): WebSocketConstructor => {
  const Counting = class extends (Base as unknown as new (...args: unknown[]) => { send: (data: unknown) => void, addEventListener: (type: string, listener: (event: { data: unknown }) => void) => void }) {
    constructor (...args: unknown[]) {
      super(...args)
      onCreated()
      this.addEventListener('message', event => {
        counters.messagesIn += 1
        counters.bytesIn += sizeOfBytes(event.data)
      })
      const send = this.send.bind(this)
      this.send = data => {
        counters.messagesOut += 1
        counters.bytesOut += sizeOfBytes(data)
        send(data)
      }
    }
  }
  return Counting as unknown as WebSocketConstructor
}

export class AdapterClient {
  private replica: AdapterReplica | undefined
  private closed = false
  private readonly counters: Counters = { bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0 }
  private readonly localOps = new Map<string, LocalOpRecord>()
  private readonly unacked = new Set<string>()
  private readonly seen = new Map<string, number>()
  private readonly connection: ConnectionEvent[] = []
  private readonly errors: string[] = []
  private currentState: ReplicaStats['state'] = 'closed'
  private reconnectAttempts = 0
  /** Connection attempts since the last sync, as the reference client counts them. */
  private attempt = 0
  /** Sockets the adapter made, and how many there were at the last 'connecting': a repeat made none in between. */
  private sockets = 0
  private socketsAtConnecting = -1
  /** The first malformed report from an adapter callback: every later call throws it, so it is never passed silently. */
  private contractError: Error | undefined

  constructor (private readonly adapter: Adapter, readonly options: ResolvedConnectOptions, private readonly WebSocket: WebSocketConstructor) {}

  /** Connects through the adapter and subscribes to its reports. */
  async start (): Promise<void> {
    const { adapter, options } = this
    if (options.store !== 'none' && !adapter.capabilities.store) {
      throw new Error(`adapter ${adapter.name} has no local store (capabilities.store is false): connect with store 'none'.`)
    }
    const report: AdapterReports = {
      connectionState: change => this.onConnectionState(change),
      remoteOps: opIds => this.guard(() => {
        const at = nowMs()
        for (const opId of checkAdapterValue(adapter.name, 'remoteOps', opIdListSchema, opIds)) {
          if (!this.localOps.has(opId) && !this.seen.has(opId)) this.seen.set(opId, at)
        }
      }),
      ack: opIds => this.guard(() => {
        if (!adapter.capabilities.acks) throw new Error(`adapter ${adapter.name} reported acks but declares capabilities.acks false; set acks to true.`)
        const at = nowMs()
        for (const opId of checkAdapterValue(adapter.name, 'ack', opIdListSchema, opIds)) {
          const record = this.localOps.get(opId)
          if (record === undefined || record.ackedAt !== undefined) continue
          record.ackedAt = at
          this.unacked.delete(opId)
        }
      })
    }
    // options.url is the base URL already (connectOptionsSchema): ws://host:port, no trailing slash.
    const replica = checkAdapterValue(adapter.name, 'connect', adapterReplicaSchema, await adapter.connect({
      replicaId: options.replicaId, url: options.url, docName: options.docName, query: { clientId: options.replicaId, ...(options.token === undefined ? {} : { token: options.token }) }, tuning: options.tuning, options
    }, { WebSocket: countingWebSocket(this.WebSocket, this.counters, () => { this.sockets += 1 }), now: nowMs, report })) as AdapterReplica
    this.replica = replica
    if (this.closed) await replica.close()
  }

  /** Applies one op through the adapter and records its invoke time. */
  apply (op: WorkloadOp): void {
    if (this.localOps.has(op.opId)) throw new Error(`op id ${op.opId} was already used by this replica: op ids must be unique.`)
    const replica = this.live()
    this.localOps.set(op.opId, { opId: op.opId, kind: op.kind, invokedAt: nowMs() })
    if (op.kind !== 'read' && this.adapter.capabilities.acks) this.unacked.add(op.opId)
    const result = replica.apply(op)
    if (result instanceof Promise) result.catch((err: unknown) => this.recordError(err))
  }

  get state (): ReplicaStats['state'] { return this.currentState }
  get ackMode (): ReplicaStats['ackMode'] { return this.adapter.capabilities.acks ? 'ack' : 'no-ack' }
  get pendingAcks (): number { return this.unacked.size }

  /** @return {Promise<string>} SHA-256 of the canonical JSON of the adapter's {todos, ops} */
  async digest (): Promise<string> {
    return sha256Hex(canonicalJson(checkAdapterValue(this.adapter.name, 'state', docStateSchema, this.live().state())))
  }

  opIds (): string[] {
    return checkAdapterValue(this.adapter.name, 'opIds', opIdListSchema, this.live().opIds())
  }

  snapshot (): ReplicaStats {
    return {
      replicaId: this.options.replicaId,
      ackMode: this.ackMode,
      state: this.currentState,
      history: [...this.localOps.values()].map(record => ({ ...record })),
      seen: Object.fromEntries(this.seen),
      connection: [...this.connection],
      ...this.counters,
      reconnectAttempts: this.reconnectAttempts,
      pendingAcks: this.unacked.size,
      storeTimings: [],
      errors: [...this.errors]
    }
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.replica?.close()
    if (this.currentState !== 'closed') this.record({ state: 'closed', reason: 'closed-by-user' })
  }

  private live (): AdapterReplica {
    if (this.contractError !== undefined) throw this.contractError
    if (this.replica === undefined) throw new Error(`replica ${this.options.replicaId} of adapter ${this.adapter.name} is not connected yet: await connect() first.`)
    return this.replica
  }

  private onConnectionState (change: unknown): void {
    this.guard(() => {
      const checked = checkAdapterValue(this.adapter.name, 'connectionState', connectionChangeSchema, change)
      // After close() the adapter's own teardown reports are not disconnects.
      if (!this.closed && !this.repeats(checked.state)) this.record(checked)
    })
  }

  /**
   * SDK events may repeat a state: a repeated 'open', 'synced' or 'closed'
   * (or a 'closed' before any connection) is not news. A repeated
   * 'connecting' is a new attempt when the adapter made a socket since the
   * last one (y-websocket reports each failed attempt so), else a repeat.
   */
  private repeats (state: ReplicaStats['state']): boolean {
    return state === this.currentState && (state !== 'connecting' || this.sockets === this.socketsAtConnecting)
  }

  /**
   * Reasons are normalised so reconnect figures read alike for every stack:
   * the first 'connecting' is 'initial', later ones 'reconnect', and 'open' /
   * 'synced' carry the reason of the attempt they belong to; a close keeps the
   * adapter's reason.
   */
  private record ({ state, reason }: { state: ReplicaStats['state'], reason: string }): void {
    const connecting = this.connection.some(event => event.state === 'connecting')
    if (state === 'connecting' && connecting) this.reconnectAttempts += 1
    if (state === 'connecting') this.socketsAtConnecting = this.sockets
    if (state === 'synced') this.attempt = 0
    if (state === 'connecting') this.attempt += 1
    const attemptReason = this.reconnectAttempts > 0 ? 'reconnect' : 'initial'
    this.currentState = state
    const event = { t: nowMs(), state, reason: state === 'closed' ? reason : attemptReason, attempt: this.attempt }
    if (this.connection.length < maxConnectionEvents) this.connection.push(event)
  }

  /** Adapter callbacks run in the adapter's stack: a malformed report is kept for the next call, never thrown into the SDK. */
  private guard (body: () => void): void {
    try {
      body()
    } catch (err) {
      this.recordError(err)
      this.contractError ??= err instanceof Error ? err : new Error(String(err))
    }
  }

  private recordError (err: unknown): void {
    if (this.errors.length < maxErrors) this.errors.push(err instanceof Error ? err.message : String(err))
  }
}
