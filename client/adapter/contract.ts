/**
 * The adapter contract: the per-replica minimum a sync stack must offer for
 * the suite to use its client as a replica. A generic host
 * (client/adapter/adapter-client.ts with client/replica-host.ts) wraps any
 * adapter and provides the full harness API (schedules, history, seen
 * times, stats), so every scenario runs unchanged.
 *
 * An adapter module's default export is an `Adapter`. The same module is
 * bundled for the harness page and, where it runs in Node, imported for Node
 * replicas; the host injects the WebSocket class either way.
 *
 * Every value an adapter returns crosses a trust boundary and is parsed with
 * the schemas below; a malformed value fails with one sentence that names the
 * adapter and the field.
 *
 * The rules a new adapter gets wrong first:
 * - URL: `url` is the server's base URL (ws://host:port, no trailing slash,
 *   no document name). The adapter decides where `docName` goes (the path, a
 *   message field, …) and must put `query` in the URL's query string.
 * - Tuning: with `tuning: 'sdk'` (the default) run the SDK as its users ship
 *   it and ignore `options.backoff`, `options.heartbeat` and
 *   `options.connectTimeoutMs`; with 'suite' map them onto the SDK where it
 *   supports them.
 * - Timeouts: declare the SDK's own timers (its defaults) in `timeouts`; the
 *   suite's disconnect grace, half-open deadline and convergence deadline
 *   after a fault follow them (oracle/client-timeouts.ts).
 * - Reports may come during `connect` and may repeat (client/adapter/adapter-client.ts).
 * - One Yjs: an adapter and the suite must load the same `yjs`; the harness
 *   bundle and the Node loader see to it or say what to do (client/adapter/one-yjs.ts).
 *
 * @module client/adapter/contract
 */
import { z } from 'zod'
import { connectionStateSchema, type ResolvedConnectOptions, type Tuning } from '../harness/api.ts'
import type { WorkloadOp } from '../../model/todo-doc.ts'
import type { WebSocketConstructor } from '../sync-client.ts'

/** What the stack can do; a scenario that needs a missing one reports its figure not-measurable. */
export const capabilitiesSchema = z.object({
  /** The server confirms durable writes per op (onAck). */
  acks: z.boolean(),
  /** The client persists to a local store and restores from it. */
  store: z.boolean(),
  /** Presence/awareness messages. */
  awareness: z.boolean(),
  /** The client detects a dead (half-open) connection by itself. */
  heartbeat: z.boolean()
})
export type Capabilities = z.infer<typeof capabilitiesSchema>

const ms = z.number().int().positive().max(3_600_000)

/**
 * The SDK's own timers as its users ship it (its defaults), in ms. Absent
 * fields mean the SDK has no such timer.
 */
export const timeoutsSchema = z.strictObject({
  /** After this long without a message the client itself closes a dead (half-open) connection; absent: it never notices one. */
  deadConnectionMs: ms.optional(),
  /** A connection attempt not open by then is abandoned; absent: an attempt may hang forever. */
  connectTimeoutMs: ms.optional(),
  /** Its longest wait between reconnect attempts. */
  reconnectMaxMs: ms.optional()
})
export type AdapterTimeouts = z.infer<typeof timeoutsSchema>

const fn = z.custom<(...args: never[]) => unknown>(value => typeof value === 'function', 'must be a function')

/** The adapter module's default export, as checked when it is loaded. */
export const adapterSchema = z.object({
  name: z.string().regex(/^[\w.-]{1,64}$/, 'name uses 1-64 letters, digits, _ . -'),
  capabilities: capabilitiesSchema,
  timeouts: timeoutsSchema.optional(),
  connect: fn,
  openBenchStore: fn.optional()
}).refine(a => a.openBenchStore === undefined || a.capabilities.store, { message: 'openBenchStore needs capabilities.store true', path: ['openBenchStore'] })
  .refine(a => a.timeouts === undefined || (a.timeouts.deadConnectionMs !== undefined) === a.capabilities.heartbeat,
    { message: 'timeouts.deadConnectionMs is set exactly when capabilities.heartbeat is true (absent, the client never notices a dead connection)', path: ['timeouts', 'deadConnectionMs'] })

/**
 * The store-benchmark hook's store: one namespace of byte values, the
 * operations @opfs times (client/store/bench.ts). Every method resolves once
 * the data is as durable as the SDK makes it. Values the suite gets back are
 * checked (client/adapter/bench-store.ts).
 */
export interface AdapterBenchStore {
  put: (entries: Array<{ key: string, value: Uint8Array }>) => Promise<void> | void
  /** One value per key, undefined (or null) where absent. */
  get: (keys: string[]) => Promise<Array<Uint8Array | undefined | null>> | Array<Uint8Array | undefined | null>
  delete: (keys: string[]) => Promise<void> | void
  /** Every key, any order. */
  list: () => Promise<string[]> | string[]
  /** Removes the namespace and everything in it. */
  clear: () => Promise<void> | void
  close: () => Promise<void> | void
  /** Optional: reclaims the space of overwritten and deleted values now. */
  compact?: () => Promise<void> | void
}

/** The replica `connect` resolves with, as checked before it is used. */
export const adapterReplicaSchema = z.object({ apply: fn, state: fn, opIds: fn, close: fn })

/**
 * The document every stack is digested by: canonical JSON of exactly this
 * shape (model/digest.ts), so digests of one stack compare across replicas,
 * the fresh client and the server.
 */
export const docStateSchema = z.object({
  // Fields may be missing: a replica behind a faulty server can hold half a todo, and the oracle (not the contract) must judge that.
  todos: z.record(z.string(), z.object({ title: z.string().optional(), done: z.boolean().optional(), createdBy: z.string().optional() }).strict()),
  /** Grow-only: op id -> 'c' | 'u' | 'd'. */
  ops: z.record(z.string(), z.enum(['c', 'u', 'd']))
}).strict()
export type DocState = z.infer<typeof docStateSchema>

export const opIdListSchema = z.array(z.string())

/**
 * A connection change as an adapter reports it. The host numbers attempts
 * and names 'connecting' reasons ('initial', 'reconnect') itself; the reason
 * of a 'closed' is kept (e.g. 'server-close:1006').
 */
export const connectionChangeSchema = z.object({ state: connectionStateSchema, reason: z.string().max(500) })
export type ConnectionChange = z.infer<typeof connectionChangeSchema>

/** What the host passes to `connect`. */
export interface AdapterConnectOptions {
  replicaId: string
  /** The server's base URL: ws://host:port, no trailing slash, no document name. */
  url: string
  /** The adapter decides where it goes: the URL path (y-websocket), a message field (Hocuspocus), … */
  docName: string
  /** Put these in the URL's query string: the fault proxy targets replicas by `clientId`. */
  query: Record<string, string>
  /** 'sdk' (default): run the SDK as shipped, ignoring options.backoff/heartbeat/connectTimeoutMs; 'suite': map them onto it. */
  tuning: Tuning
  /** The suite's client settings; under tuning 'suite' an adapter maps what its SDK supports. */
  options: ResolvedConnectOptions
}

/**
 * Where a replica reports what happens to it; the host checks every report.
 * Report straight from the SDK's events: a report may come during `connect`
 * (before it returns) and may repeat. A repeated 'open', 'synced' or
 * 'closed' is ignored; a repeated 'connecting' counts as a new attempt only
 * when a new WebSocket was made since the last one.
 */
export interface AdapterReports {
  /** 'connecting' → 'open' → 'synced' (first full sync of this connection) → 'closed'. */
  connectionState: (change: ConnectionChange) => void
  /** Op ids that arrived from the server, when they become visible here. */
  remoteOps: (opIds: string[]) => void
  /** Op ids the server confirmed durable; only when capabilities.acks. */
  ack: (opIds: string[]) => void
}

export interface AdapterEnv {
  /** The WebSocket class to use: instrumented per replica (bytes, messages); `ws` in Node. */
  WebSocket: WebSocketConstructor
  /** The suite's clock (epoch ms, sub-ms). */
  now: () => number
  report: AdapterReports
}

/** One replica of the stack under test. */
export interface AdapterReplica {
  /** Applies one workload op locally now; its op id must land in `ops` with its effect. */
  apply: (op: WorkloadOp) => unknown
  /** The document as canonical plain data. */
  state: () => DocState
  /** Every op id this replica holds. */
  opIds: () => string[]
  /** Closes the socket and clears every timer. */
  close: () => Promise<void> | void
}

export interface Adapter {
  name: string
  capabilities: Capabilities
  /** The SDK's own timers as shipped; absent: the suite uses its own options for its deadlines. */
  timeouts?: AdapterTimeouts
  connect: (options: AdapterConnectOptions, env: AdapterEnv) => Promise<AdapterReplica> | AdapterReplica
  /**
   * Optional, with capabilities.store: opens the SDK's own local store on a
   * namespace, so @opfs times it beside the suite's layouts (browser only).
   */
  openBenchStore?: (namespace: string) => Promise<AdapterBenchStore> | AdapterBenchStore
}

/** Fixes for the fields adapters get wrong most, keyed by field. */
const hints: Record<string, string> = {
  opIds: 'return an array of op id strings',
  state: 'return { todos: { [todoId]: { title, done, createdBy } }, ops: { [opId]: "c" | "u" | "d" } }',
  connect: 'resolve with an object that has apply, state, opIds and close',
  connectionState: 'report { state: "connecting" | "open" | "synced" | "closed", reason }',
  ack: 'report an array of op id strings',
  remoteOps: 'report an array of op id strings',
  module: 'export default { name, capabilities: { acks, store, awareness, heartbeat }, timeouts?: { deadConnectionMs?, connectTimeoutMs?, reconnectMaxMs? }, connect, openBenchStore? }',
  benchStore: 'openBenchStore resolves with { put, get, delete, list, clear, close, compact? }; get returns one Uint8Array (or undefined) per key, list an array of strings'
}

/** Fields of Yjs's own types: a Y.Map or Y.Array that the suite's toJSON did not turn into plain data. */
const yjsInternals = /^(_item|_map|_start|_length|_eH|_dEH|_prelimContent|_searchMarker|doc)$/

const describeValue = (value: unknown): string =>
  value === null || value === undefined ? String(value) : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`

/**
 * Parses what an adapter returned, or throws one sentence naming the adapter,
 * the field and the fix, e.g. "adapter example-lww returned opIds as a string;
 * return an array of op id strings."
 * @param {string} adapterName
 * @param {string} field one of the hint keys
 */
export const checkAdapterValue = <T>(adapterName: string, field: keyof typeof hints, schema: z.ZodType<T>, value: unknown): T => {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const internals = issue.code === 'unrecognized_keys' ? issue.keys.filter(key => yjsInternals.test(key)) : []
  if (internals.length > 0) {
    throw new Error(`adapter ${adapterName} returned ${field} holding Yjs internals (${internals.join(', ')} at ${issue.path.join('.') || 'the top'}), the mark of a Y type from a second copy of Yjs that the suite's Yjs does not recognise: load one yjs (remove the second copy or run \`npm dedupe\`, or install the SDK in this project).`)
  }
  const where = issue.path.length === 0 ? '' : ` (at ${issue.path.join('.')}: ${issue.message})`
  throw new Error(`adapter ${adapterName} returned ${field} as ${describeValue(value)}${where}; ${hints[field]}.`)
}

/**
 * Checks an adapter module's default export.
 * @param {unknown} candidate
 * @param {string} source where it came from, for the message
 */
export const checkAdapter = (candidate: unknown, source: string): Adapter => {
  if (candidate === undefined) throw new Error(`adapter module ${source} has no default export; ${hints.module}.`)
  const name = typeof (candidate as { name?: unknown } | undefined)?.name === 'string' ? (candidate as { name: string }).name : source
  return checkAdapterValue(name, 'module', adapterSchema, candidate) as Adapter
}
