/**
 * starter: a syncstorm adapter skeleton (`npx syncstorm init-adapter <name>`
 * copies this file). It runs as it is: Yjs over the y-websocket protocol with
 * the official `WebsocketProvider`, against the suite's reference server:
 *
 *   STRESS_CLIENT=./starter-adapter.ts npx playwright test --grep @conflict --project=chromium
 *
 * To put your own SDK under the suite, replace each part marked PLUG IN. The
 * contract (client/adapter/contract.ts) in five rules:
 * - `url` is the server's base URL (ws://host:port, no trailing slash, no
 *   document name): put `docName` where your protocol wants it, and `query`
 *   in the URL's query string (the fault proxy finds replicas by it).
 * - `tuning` 'sdk' (the default): run your SDK as your users ship it, with its
 *   own defaults; 'suite' (STRESS_CLIENT_TUNING=suite): map `options.backoff`,
 *   `options.heartbeat`, `options.connectTimeoutMs` onto it where it can.
 * - `timeouts`: your SDK's own timers as shipped; the suite's disconnect
 *   grace and half-open deadline follow them.
 * - Report connection changes straight from your SDK's events: reports during
 *   `connect` and repeated reports are fine.
 * - One Yjs: install your SDK in the suite's project (or `npm dedupe`), so it
 *   and the suite load the same `yjs`; the suite says so when they do not.
 *
 * @module examples/starter/adapter
 */
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import type { Adapter, AdapterReplica, DocState } from '../../client/adapter/contract.ts'

const statusToState = { connecting: 'connecting', connected: 'open', disconnected: 'closed' } as const

const adapter: Adapter = {
  name: 'starter',
  // PLUG IN: what your stack does. acks: the server confirms durable writes per op (then call report.ack);
  // store: the client persists locally; heartbeat: the client notices a dead (half-open) connection by itself.
  capabilities: { acks: false, store: false, awareness: true, heartbeat: true },
  // PLUG IN: your SDK's own timers as shipped, in ms; leave out the ones it does not have.
  // y-websocket's provider closes a connection after 30 s without a message and backs off up to 2.5 s; it has no connect timeout.
  timeouts: { deadConnectionMs: 30_000, reconnectMaxMs: 2_500 },
  connect: ({ url, docName, query, tuning, options }, { WebSocket, report }): AdapterReplica => {
    // PLUG IN: create your SDK's client. The suite's document: todos (todoId -> { title, done, createdBy }) and a
    // grow-only map of op ids, both written in one transaction per op, so that a lost write shows exactly.
    const doc = new Y.Doc()
    const todos = doc.getMap<Y.Map<unknown>>('todos')
    const ops = doc.getMap<string>('ops')
    const provider = new WebsocketProvider(url, encodeURIComponent(docName), doc, {
      params: query,
      // Always use the WebSocket class the suite gives: it counts bytes and new connections.
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      // A BroadcastChannel between same-origin replicas would let them converge without the server.
      disableBc: true,
      // Measure the SDK as shipped; only tuning 'suite' maps the suite's options (those the SDK supports).
      ...(tuning === 'suite' ? { maxBackoffTime: options.backoff.maxMs } : {}),
      connect: false
    })
    // PLUG IN: report 'connecting' → 'open' → 'synced' (first full sync of a connection) → 'closed' from your SDK's events.
    provider.on('status', ({ status }: { status: keyof typeof statusToState }) => { report.connectionState({ state: statusToState[status], reason: status }) })
    provider.on('sync', (synced: boolean) => { if (synced) report.connectionState({ state: 'synced', reason: 'sync' }) })
    // PLUG IN: report the op ids that arrive from the server, when they become visible here.
    ops.observe(event => {
      if (event.transaction.origin !== provider) return
      const added: string[] = []
      event.changes.keys.forEach((change, key) => { if (change.action === 'add') added.push(key) })
      report.remoteOps(added)
    })
    provider.connect()
    return {
      // PLUG IN: apply one workload op through your SDK, its op id in the same write.
      apply: op => {
        if (op.kind === 'read') return
        doc.transact(() => {
          if (op.kind === 'create') {
            const todo = new Y.Map<unknown>()
            todo.set('title', op.title ?? op.todoId)
            todo.set('done', false)
            todo.set('createdBy', op.opId)
            todos.set(op.todoId, todo)
          } else if (op.kind === 'update') {
            const todo = todos.get(op.todoId)
            if (todo !== undefined) todo.set('done', !(todo.get('done') as boolean))
          } else {
            todos.delete(op.todoId)
          }
          ops.set(op.opId, op.kind[0]!)
        })
      },
      // PLUG IN: your document as plain data of exactly this shape: the digests of all replicas and the server compare.
      state: () => ({ todos: todos.toJSON(), ops: ops.toJSON() }) as DocState,
      opIds: () => [...ops.keys()],
      // PLUG IN: close the socket and clear every timer.
      close: () => {
        provider.destroy()
        doc.destroy()
      }
    }
  }
}

export default adapter
