/**
 * The `y-websocket` adapter: the official `WebsocketProvider` (y-websocket
 * 3.x) with a Y.Doc holding the suite's todo document (model/todo-doc.ts).
 * BroadcastChannel is off (`disableBc`): that side channel would let
 * same-origin replicas converge without the server (DESIGN §3). The provider
 * has no durable-write acks, so ack figures are not measurable; it closes a
 * connection after 30 s without a message, which counts as its heartbeat.
 *
 * Its timers as shipped (y-websocket 3.x source): `messageReconnectTimeout`
 * 30 s, checked every 3 s; `maxBackoffTime` 2.5 s; no connect timeout. Only
 * tuning 'suite' maps the suite's backoff onto it (the 30 s is a module
 * constant, so neither tuning changes it).
 *
 * @module client/adapters/y-websocket
 */
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { yjsReplica } from '../adapter/yjs-replica.ts'
import type { Adapter, AdapterReplica } from '../adapter/contract.ts'

const statusToState = { connecting: 'connecting', connected: 'open', disconnected: 'closed' } as const

const adapter: Adapter = {
  name: 'y-websocket',
  capabilities: { acks: false, store: false, awareness: true, heartbeat: true },
  timeouts: { deadConnectionMs: 30_000, reconnectMaxMs: 2_500 },
  connect: ({ url, docName, query, tuning, options }, { WebSocket, report }): AdapterReplica => {
    const doc = new Y.Doc()
    // The document name is the URL path, encoded as the reference client does.
    const provider = new WebsocketProvider(url, encodeURIComponent(docName), doc, {
      params: query,
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      ...(tuning === 'suite' ? { maxBackoffTime: options.backoff.maxMs } : {}),
      // Connect once the listeners are on: the first 'connecting' is emitted synchronously.
      connect: false
    })
    provider.on('status', ({ status }: { status: keyof typeof statusToState }) => { report.connectionState({ state: statusToState[status], reason: status }) })
    provider.on('sync', (synced: boolean) => { if (synced) report.connectionState({ state: 'synced', reason: 'sync' }) })
    // The provider applies server updates with itself as the transaction origin.
    const replica = yjsReplica(doc, provider, report, () => { provider.destroy() })
    provider.connect()
    return replica
  }
}

export default adapter
