/**
 * The example stack's client wrapped as a syncstorm adapter: what a team
 * writes to put its own SDK under the suite. A last-writer-wins todo store
 * (change.ts) synced with the JSON relay (server.ts): it pushes its own
 * changes until they are acked (so offline edits reach the server on
 * reconnect), merges what the server relays, and reconnects with jittered
 * backoff.
 *
 *   STRESS_CLIENT=examples/lww-todo/adapter.ts \
 *   STRESS_TARGET_CMD='node --import tsx examples/lww-todo/server.ts --port {port} --data-dir {dataDir}' \
 *   npx playwright test --grep @conflict --project=chromium
 *
 * @module examples/lww-todo/adapter
 */
import type { Adapter, AdapterReplica } from '../../client/adapter/contract.ts'
import { fold, serverMessageSchema, type Change } from './change.ts'

/** The client's own reconnect backoff as it ships: full jitter, 100 ms doubling up to 5 s. */
const shippedBackoff = { initialMs: 100, maxMs: 5_000 }

/**
 * @param {object} settings
 * @param {string} settings.name the adapter's name in reports
 * @param {boolean} settings.deferRemoteDeletes a deliberate bug: remote deletes take effect only after a reload
 */
export const createLwwAdapter = ({ name, deferRemoteDeletes }: { name: string, deferRemoteDeletes: boolean }): Adapter => ({
  name,
  capabilities: { acks: true, store: false, awareness: false, heartbeat: false },
  // No heartbeat and no connect timeout: it never notices a dead connection by itself.
  timeouts: { reconnectMaxMs: shippedBackoff.maxMs },
  connect: ({ url, docName, query, replicaId, tuning, options }, { WebSocket, now, report }): AdapterReplica => {
    // As shipped, unless the suite's options are asked for (STRESS_CLIENT_TUNING=suite).
    const backoff = tuning === 'suite' ? options.backoff : shippedBackoff
    const changes = new Map<string, Change>()
    /** Own changes the server has not acked yet: pushed again on every connection. */
    const unacked = new Map<string, Change>()
    /** The broken variant's remote deletes, held back until the next reload. */
    const held = new Set<string>()
    let socket: InstanceType<typeof WebSocket> | undefined
    let retry: ReturnType<typeof setTimeout> | undefined
    let attempt = 0
    let loaded = false
    let closed = false

    const push = (batch: Change[]): void => {
      if (socket?.readyState === 1 && batch.length > 0) socket.send(JSON.stringify({ type: 'push', changes: batch }) as never)
    }
    const merge = (incoming: Change[], reload: boolean): void => {
      const added: string[] = []
      for (const change of incoming) {
        if (changes.has(change.opId)) continue
        changes.set(change.opId, change)
        added.push(change.opId)
        if (deferRemoteDeletes && !reload && change.kind === 'delete') held.add(change.opId)
      }
      if (added.length > 0) report.remoteOps(added)
    }
    const onMessage = (data: unknown): void => {
      // The host checks what the adapter reports; the adapter checks what it reads.
      const parsed = serverMessageSchema.safeParse((() => { try { return JSON.parse(String(data)) } catch { return undefined } })())
      if (!parsed.success) return socket?.close(4000, 'bad message from the relay')
      const message = parsed.data
      if (message.type === 'ack') {
        for (const opId of message.opIds) unacked.delete(opId)
        report.ack(message.opIds)
        return
      }
      merge(message.changes, message.type === 'snapshot' && !loaded)
      if (message.type === 'snapshot') {
        loaded = true
        attempt = 0
        report.connectionState({ state: 'synced', reason: 'snapshot' })
      }
    }
    const open = (reason: string): void => {
      retry = undefined
      report.connectionState({ state: 'connecting', reason })
      // The relay takes the document name as the URL path; the suite's query goes in the query string.
      const current = new WebSocket(`${url}/${encodeURIComponent(docName)}?${new URLSearchParams(query).toString()}`)
      socket = current
      current.onopen = () => {
        report.connectionState({ state: 'open', reason })
        push([...unacked.values()])
      }
      current.onmessage = (event: { data: unknown }) => onMessage(event.data)
      current.onerror = () => {}
      current.onclose = (event: { code: number }) => {
        if (socket !== current) return
        socket = undefined
        report.connectionState({ state: 'closed', reason: `server-close:${event.code}` })
        if (closed) return
        // Full jitter: a storm of reconnecting replicas spreads out.
        const capMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt++)
        retry = setTimeout(() => open('reconnect'), Math.random() * capMs)
      }
    }
    open('initial')

    return {
      apply: op => {
        if (op.kind === 'read') return
        const seen = fold(changes.values(), held)
        const change: Change = {
          opId: op.opId, kind: op.kind, todoId: op.todoId, at: now(), by: replicaId,
          ...(op.kind === 'create' ? { title: op.title ?? op.todoId } : {}),
          ...(op.kind === 'update' && seen.todos[op.todoId] !== undefined ? { done: !seen.todos[op.todoId].done } : {})
        }
        changes.set(change.opId, change)
        unacked.set(change.opId, change)
        push([change])
      },
      state: () => fold(changes.values(), held),
      opIds: () => [...changes.keys()],
      close: () => {
        closed = true
        if (retry !== undefined) clearTimeout(retry)
        const current = socket
        socket = undefined
        current?.close()
      }
    }
  }
})

export default createLwwAdapter({ name: 'example-lww', deferRemoteDeletes: false })
