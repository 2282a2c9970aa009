/**
 * The `hocuspocus` adapter: the official `HocuspocusProvider`
 * (@hocuspocus/provider 4.8) on its own `HocuspocusProviderWebsocket`, built
 * on the injected WebSocket class, with a Y.Doc holding the suite's todo
 * document (model/todo-doc.ts). Its target is stacks/hocuspocus/server.ts.
 *
 * How the provider works, read from its source:
 * - The document name goes in every message (a varString before the message
 *   type), not in the URL; the URL is the server's, plus the suite's query
 *   (the fault proxy targets replicas by `clientId`).
 * - `unsyncedChanges` / SyncStatus only say the server applied an update in
 *   its memory; its store runs later, debounced. That is no durable ack, so
 *   `acks` is false and the oracle reads the server with a fresh client.
 * - Liveness: the socket closes a connection after `messageReconnectTimeout`
 *   (30 s) without a message, checked every tenth of it; the default
 *   awareness is renewed every 15 s and echoed by the server, which keeps an
 *   idle connection alive. It has no connect timeout: its retry `timeout`
 *   gives up reconnecting for good rather than abandoning one attempt.
 * - Backoff: a dropped open connection is retried after exactly `delay`
 *   (1 s); a failed attempt after 1 s, 2 s, 4 s… up to 30 s, with jitter
 *   between `minDelay` (1 s) and that value.
 * - Its `synced` flag is cleared by a socket close event only: after its own
 *   forced close it stays true, and no 'synced' follows the reconnect. So a
 *   connection counts as synced here when the provider says so or when the
 *   server's SyncStep2 of that connection has been applied.
 *
 * @module client/adapters/hocuspocus
 */
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import { yjsReplica } from '../adapter/yjs-replica.ts'
import type { Adapter, AdapterConnectOptions, AdapterReplica, ConnectionChange } from '../adapter/contract.ts'

/** The provider's own defaults (HocuspocusProviderWebsocket's configuration), declared as its timeouts. */
const sdk = { messageReconnectTimeoutMs: 30_000, maxDelayMs: 30_000 }

const statusToState = { connecting: 'connecting', connected: 'open' } as const

/** Whether a frame is the server's SyncStep2: [documentName : varString, messageSync = 0 : varUint, syncStep2 = 1 : varUint, …]. */
const isSyncStep2 = (data: unknown): boolean => {
  if (!(data instanceof ArrayBuffer)) return false
  try {
    const decoder = decoding.createDecoder(new Uint8Array(data))
    decoding.readVarString(decoder)
    return decoding.readVarUint(decoder) === 0 && decoding.readVarUint(decoder) === 1
  } catch {
    return false
  }
}

/**
 * The suite's options where the provider has a matching setting (tuning
 * 'suite'); none with 'sdk', so it runs as its users ship it. The connect
 * timeout has no match (see the module comment).
 */
const tuned = ({ options, tuning }: AdapterConnectOptions): Record<string, number | boolean> => {
  if (tuning === 'sdk') return {}
  const { backoff, heartbeat } = options
  const delay = Math.max(1, Math.round(backoff.initialMs))
  return {
    delay,
    // Its jitter draws between minDelay and the exponential delay: 0 gives full jitter.
    minDelay: backoff.jitter === 'full' ? 0 : delay,
    maxDelay: Math.round(backoff.maxMs),
    jitter: backoff.jitter === 'full',
    ...(heartbeat === false ? {} : { messageReconnectTimeout: Math.round(heartbeat.timeoutMs) })
  }
}

const adapter: Adapter = {
  name: 'hocuspocus',
  capabilities: { acks: false, store: false, awareness: true, heartbeat: true },
  timeouts: { deadConnectionMs: sdk.messageReconnectTimeoutMs, reconnectMaxMs: sdk.maxDelayMs },
  connect: (connectOptions, { WebSocket, report }): AdapterReplica => {
    const { url, docName, query } = connectOptions
    const doc = new Y.Doc()
    // The provider reports 'connected' twice per connection (on open and on the first message); report changes only.
    let last: ConnectionChange['state'] | undefined
    const change = (state: ConnectionChange['state'], reason: string): void => {
      if (state === last) return
      last = state
      report.connectionState({ state, reason })
    }
    const socket = new HocuspocusProviderWebsocket({
      url: `${url}/?${new URLSearchParams(query).toString()}`,
      WebSocketPolyfill: WebSocket,
      // Connect once every listener is on.
      autoConnect: false,
      ...tuned(connectOptions)
    })
    socket.on('status', ({ status }: { status: string }) => {
      if (status === 'connecting' || status === 'connected') change(statusToState[status], status)
    })
    // 4408 is the provider's own forced close after its liveness check gave up on the socket.
    socket.on('disconnect', ({ event }: { event?: { code?: number, reason?: string } }) => {
      change('closed', event?.code === 4408 ? 'heartbeat-timeout' : `close:${event?.code ?? 'unknown'}${event?.reason ? `:${event.reason}` : ''}`)
    })
    const provider = new HocuspocusProvider({ websocketProvider: socket, name: docName, document: doc })
    provider.on('synced', ({ state }: { state: boolean }) => { if (state) change('synced', 'sync') })
    // The provider applies the frame right after this event: report once it has.
    provider.on('message', ({ event }: { event: MessageEvent }) => {
      if (last === 'open' && isSyncStep2(event.data)) queueMicrotask(() => { if (last === 'open') change('synced', 'sync-step-2') })
    })
    // The provider applies server updates with itself as the transaction origin.
    const replica = yjsReplica(doc, provider, report, () => {
      // The provider does not own a socket it was given: destroy both (timers, listeners, the WebSocket).
      provider.destroy()
      socket.destroy()
    })
    provider.attach()
    void socket.connect()
    return replica
  }
}

export default adapter
