/**
 * The `automerge` adapter: an automerge-repo 2.5 `Repo` per replica, syncing
 * one document with the shipped sync server (stacks/automerge/server.ts) over
 * automerge-repo's WebSocket protocol. Installed on demand:
 * `npm run setup:automerge`.
 *
 * The document is `{ todos: { [todoId]: { title, done, createdBy } }, ops: { [opId]: 'c' | 'u' | 'd' } }`,
 * the shape the suite digests, so digests compare one to one.
 *
 * Finding the document: Automerge names documents by generated ids and
 * `repo.find()` of an id nobody has fails as unavailable. So the document id
 * is derived from the suite's `docName` (the first 16 bytes of
 * SHA-256("syncstorm:" + docName)), and every replica imports the same
 * genesis change into it (`repo.import(bytes, { docId })`): `todos` and `ops`
 * created by one fixed actor at time 0. Those bytes, and so the change hash,
 * are identical everywhere, so replicas that start the room at once share
 * one history instead of two rival `todos` maps. The server learns the
 * document from the first replica's sync message, as automerge's sync server
 * does; docName itself never goes over the wire.
 *
 * Deletes: `delete todos[id]` is an operation in the history, so it stays a
 * delete in every merge (a concurrent update of the deleted todo stays
 * invisible). A concurrent create of the same id wins over the delete,
 * the same on every replica.
 *
 * The wasm is loaded from base64 (`/slim` + `initializeBase64Wasm`), which
 * works bundled into the harness page and in Node alike.
 *
 * What the stack cannot do, declared: no durable-write acks (a sync message
 * says what the server holds in memory, not on disk), no heartbeat of the
 * client's own, no store in the page (store: false).
 *
 * @module stacks/automerge/adapter
 */
import { Repo, initializeBase64Wasm, parseAutomergeUrl, stringifyAutomergeUrl, type DocHandle, type DocumentId, type PeerId } from '@automerge/automerge-repo/slim'
import * as A from '@automerge/automerge/slim'
import { automergeWasmBase64 } from '@automerge/automerge/automerge.wasm.base64'
import type { Adapter, AdapterReplica, DocState } from '../../client/adapter/contract.ts'
import type { WorkloadOp } from '../../model/todo-doc.ts'
import { InjectedWebSocketClientAdapter } from './websocket-client.ts'

interface Todo { title: string, done: boolean, createdBy: string }
interface TodoDoc { todos: Record<string, Todo>, ops: Record<string, 'c' | 'u' | 'd'> }

/** WebSocketClientAdapter's default retry interval: its connect timeout and reconnect delay at once. */
const sdkRetryMs = 5_000

let wasm: Promise<void> | undefined
const loadWasm = async (): Promise<void> => { await (wasm ??= A.isWasmInitialized() ? Promise.resolve() : initializeBase64Wasm(automergeWasmBase64)) }

let genesis: Uint8Array | undefined
/** The one change every replica starts from: the same bytes (fixed actor, time 0) wherever it is made. */
const genesisChange = (): Uint8Array => {
  genesis ??= A.save(A.change(A.init<TodoDoc>({ actor: '00'.repeat(16) as A.ActorId }), { time: 0 }, doc => {
    doc.todos = {}
    doc.ops = {}
  }))
  return genesis
}

/** @param {string} docName the suite's room name @return {Promise<DocumentId>} the same id for the same name, everywhere */
export const documentIdOf = async (docName: string): Promise<DocumentId> => {
  const hash = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(`syncstorm:${docName}`)))
  return parseAutomergeUrl(stringifyAutomergeUrl(hash.slice(0, 16) as never)).documentId
}

const kindCode = { create: 'c', update: 'u', delete: 'd' } as const

/** One workload op on the document; a read writes nothing. */
const applyOp = (handle: DocHandle<TodoDoc>, op: WorkloadOp): Todo | null => {
  if (op.kind === 'read') return handle.doc().todos[op.todoId] ?? null
  const code = kindCode[op.kind]
  handle.change(doc => {
    if (op.kind === 'create') doc.todos[op.todoId] = { title: op.title ?? op.todoId, done: false, createdBy: op.opId }
    else if (op.kind === 'update') {
      const todo = doc.todos[op.todoId]
      if (todo !== undefined) todo.done = !todo.done
    } else delete doc.todos[op.todoId]
    doc.ops[op.opId] = code
  })
  return null
}

const adapter: Adapter = {
  name: 'automerge',
  capabilities: { acks: false, store: false, awareness: false, heartbeat: false },
  timeouts: { connectTimeoutMs: sdkRetryMs, reconnectMaxMs: sdkRetryMs },
  connect: async ({ url, docName, query, replicaId, options }, { WebSocket, report }): Promise<AdapterReplica> => {
    await loadWasm()
    const documentId = await documentIdOf(docName)
    // The SDK's one timer; the suite's own settings only when asked for (STRESS_CLIENT_TUNING=suite).
    const retryMs = options.tuning === 'suite' ? options.connectTimeoutMs : sdkRetryMs
    let synced = false
    const network = new InjectedWebSocketClientAdapter(WebSocket, `${url}/?${new URLSearchParams(query).toString()}`, retryMs, {
      connecting: () => { synced = false; report.connectionState({ state: 'connecting', reason: 'connect' }) },
      open: () => report.connectionState({ state: 'open', reason: 'open' }),
      closed: reason => { synced = false; report.connectionState({ state: 'closed', reason }) }
    })
    const repo = new Repo({ network: [network], peerId: `${replicaId}-${Math.random().toString(36).slice(2, 8)}` as PeerId })
    const handle = repo.import<TodoDoc>(genesisChange(), { docId: documentId })
    // Synced: the server's heads, as its latest sync message on this socket gave them, are all here.
    repo.synchronizer.on('sync-state', ({ peerId, documentId: of, syncState }) => {
      const theirHeads = syncState.theirHeads
      if (synced || of !== documentId || peerId !== network.remotePeerId || theirHeads == null) return
      // The state is emitted inside the update that applies the message: look once the document holds it.
      queueMicrotask(() => {
        if (synced || network.socket?.readyState !== 1 || !A.hasHeads(handle.doc(), theirHeads)) return
        synced = true
        report.connectionState({ state: 'synced', reason: 'sync' })
      })
    })
    handle.on('change', ({ patches }) => {
      const added = patches.filter(p => p.action === 'put' && p.path.length === 2 && p.path[0] === 'ops').map(p => String(p.path[1]))
      // Own op ids come back too; the host keeps only other replicas' ones.
      if (added.length > 0) report.remoteOps(added)
    })
    return {
      apply: op => applyOp(handle, op),
      state: () => {
        const doc = A.toJS(handle.doc())
        return { todos: doc.todos ?? {}, ops: doc.ops ?? {} } as DocState
      },
      opIds: () => Object.keys(handle.doc().ops ?? {}),
      close: async () => { await repo.shutdown() }
    }
  }
}

export default adapter
