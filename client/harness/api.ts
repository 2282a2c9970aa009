/**
 * The harness API: the one small surface a replica host offers the suite.
 * The harness page puts it on `window.syncstorm`; Node replicas implement the
 * same interface in-process. Everything that crosses the page boundary is
 * checked against these schemas on the Node side.
 *
 * Times are epoch milliseconds with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`), so pages and Node processes
 * on one host share a clock.
 *
 * @module client/harness/api
 */
import { z } from 'zod'
import { workloadOpSchema } from '../../model/todo-doc.ts'

/** `auto` is the reference client's default store: opfs-log where a worker has OPFS sync access handles, IndexedDB elsewhere. */
export const storeChoiceSchema = z.enum(['none', 'auto', 'opfs-log', 'opfs-main', 'opfs-worker', 'indexeddb'])

/**
 * How an adapter runs its SDK (STRESS_CLIENT_TUNING): `sdk` as its users ship
 * it (its own defaults; the suite's backoff, heartbeat and connect timeout are
 * ignored), `suite` with the suite's options mapped onto it where it supports
 * them (opt-in). The reference client always runs with the suite's options.
 */
export const tuningSchema = z.enum(['sdk', 'suite'])
export type Tuning = z.infer<typeof tuningSchema>

export const connectOptionsSchema = z.object({
  replicaId: z.string().regex(/^[\w.-]+$/, 'replica ids use letters, digits, _ . -'),
  /**
   * The server's base URL, ws://host:port with no path (a trailing slash is
   * dropped). The document name is not in it: the client decides where it
   * goes (the reference client, as y-websocket, makes it the URL path).
   */
  url: z.string().regex(/^wss?:\/\//, 'url must start with ws:// or wss://')
    .regex(/^wss?:\/\/[^/?#]+\/?$/, 'url is the server\'s base URL (ws://host:port) with no path or query: the client puts the document name where its protocol wants it')
    .transform(url => url.replace(/\/$/, '')),
  docName: z.string().min(1),
  /** Ask the server for durable-write acks (`?ack=1`). */
  ack: z.boolean().default(true),
  /** Auth token put in the query string, if the target wants one. */
  token: z.string().optional(),
  store: storeChoiceSchema.default('none'),
  backoff: z.object({
    initialMs: z.number().positive().default(100),
    maxMs: z.number().positive().default(5_000),
    /** full = AWS-style full jitter; none = deterministic exponential (a deliberately bad client). */
    jitter: z.enum(['full', 'none']).default('full')
  }).default({ initialMs: 100, maxMs: 5_000, jitter: 'full' }),
  /** A connection attempt not open within this time is abandoned and retried (a blackholed handshake). */
  connectTimeoutMs: z.number().positive().default(5_000),
  heartbeat: z.union([
    z.object({ intervalMs: z.number().positive(), timeoutMs: z.number().positive() }),
    z.literal(false)
  ]).default({ intervalMs: 5_000, timeoutMs: 15_000 }),
  /**
   * DELIBERATE BUG for the leak detector's self-test: keep every received update,
   * its Yjs transaction and its decoded structs forever, as a never-trimmed debug log would.
   */
  leakReceivedUpdates: z.boolean().default(false),
  tuning: tuningSchema.default('sdk')
})
export type ConnectOptions = z.input<typeof connectOptionsSchema>
export type ResolvedConnectOptions = z.infer<typeof connectOptionsSchema>

export const connectionStateSchema = z.enum(['connecting', 'open', 'synced', 'closed'])

export const connectionEventSchema = z.object({
  t: z.number(),
  state: connectionStateSchema,
  /** Why: 'initial', 'reconnect', 'heartbeat-timeout', 'error', 'server-close:<code>:<reason>', 'closed-by-user'... */
  reason: z.string(),
  attempt: z.number().int().nonnegative()
})
export type ConnectionEvent = z.infer<typeof connectionEventSchema>

export const localOpRecordSchema = z.object({
  opId: z.string(),
  kind: z.enum(['create', 'update', 'delete', 'read']),
  invokedAt: z.number(),
  ackedAt: z.number().optional()
})
export type LocalOpRecord = z.infer<typeof localOpRecordSchema>

export const storeTimingSchema = z.object({ op: z.string(), ms: z.number() })

export const replicaStatsSchema = z.object({
  replicaId: z.string(),
  ackMode: z.enum(['unknown', 'ack', 'no-ack']),
  state: connectionStateSchema,
  /** Every local op in invoke order. */
  history: z.array(localOpRecordSchema),
  /** Remote op id -> time it became visible here. */
  seen: z.record(z.string(), z.number()),
  connection: z.array(connectionEventSchema),
  bytesIn: z.number(), bytesOut: z.number(),
  messagesIn: z.number(), messagesOut: z.number(),
  reconnectAttempts: z.number(),
  pendingAcks: z.number(),
  restoredFromStore: z.object({ at: z.number(), updates: z.number(), beforeNetwork: z.boolean() }).optional(),
  storeTimings: z.array(storeTimingSchema),
  /** Store writes queued and not yet durable (absent without a store): 0 means a reload now loses nothing. */
  storePending: z.number().int().nonnegative().optional(),
  errors: z.array(z.string())
})
export type ReplicaStats = z.infer<typeof replicaStatsSchema>

/** One op to run `atMs` after the schedule's start. */
export const scheduledOpSchema = z.object({ replicaId: z.string(), atMs: z.number().nonnegative(), op: workloadOpSchema })
export const scheduleSchema = z.object({ startAt: z.number(), ops: z.array(scheduledOpSchema) })
export type Schedule = z.infer<typeof scheduleSchema>

export const storeBenchOptionsSchema = z.object({
  /** `sdk`: the client's own store, through its adapter's `openBenchStore` hook. */
  store: z.enum(['opfs-main', 'opfs-worker', 'opfs-log', 'indexeddb', 'sdk']),
  items: z.number().int().positive(),
  itemBytes: z.number().int().positive().default(1024),
  iterations: z.number().int().positive().max(10_000),
  /** What one sample is (client/store/bench.ts): one call carrying all items, or one call per item. */
  sample: z.enum(['batch', 'item']).default('batch'),
  /** list() calls per round; each is one list sample. */
  listCalls: z.number().int().positive().max(10_000).default(1),
  /** Restores per round: reopen the namespace, list it and read every value; each is one restore sample. */
  restoreCalls: z.number().int().nonnegative().max(10_000).default(1),
  /** Compactions per round, for stores that have one (opfs-log); each is one compact sample. */
  compactCalls: z.number().int().nonnegative().max(10_000).default(1),
  /** No round (and in item mode no call) starts once this much time has passed; `rounds` counts the complete ones. */
  budgetMs: z.number().positive().optional()
})
export type StoreBenchOptions = z.input<typeof storeBenchOptionsSchema>

/** Raw samples per operation, in ms: the suite builds histograms from them. */
export const storeBenchResultSchema = z.object({
  store: z.string(),
  items: z.number(),
  samplesMs: z.object({
    write: z.array(z.number()), read: z.array(z.number()), list: z.array(z.number()), delete: z.array(z.number()),
    restore: z.array(z.number()), compact: z.array(z.number())
  }),
  /** False when the store has no compaction step (its compact samples are then absent, not zero). */
  compacts: z.boolean().optional(),
  /** Rounds completed (fewer than asked when the budget ran out or the store failed). */
  rounds: z.number().int().nonnegative().optional(),
  /** Isolated pages time in 5-20 µs steps; others in 100 µs (Chromium) or 1 ms (Firefox). */
  crossOriginIsolated: z.boolean().optional(),
  error: z.string().optional()
})
export type StoreBenchResult = z.infer<typeof storeBenchResultSchema>

/**
 * What each harness method returns, as checked where it crosses a page
 * boundary (fixtures/support/replica-hosts.ts): a page answers with whatever
 * its bundle does, and the runner trusts nothing it did not parse.
 */
export const harnessResultSchemas = {
  connect: z.object({ replicaId: z.string() }),
  apply: z.void(),
  run: z.object({ ran: z.number().int().nonnegative(), lateMsMax: z.number() }),
  waitSynced: z.void(),
  waitAcked: z.void(),
  digest: z.string().regex(/^[0-9a-f]{64}$/, 'a digest is 64 hex digits (SHA-256)'),
  opIds: z.array(z.string()),
  stats: replicaStatsSchema,
  storeBench: storeBenchResultSchema,
  close: z.void(),
  closeAll: z.void()
} satisfies { [M in keyof HarnessApi]: z.ZodType }

export interface HarnessApi {
  /** Creates a replica and starts connecting. Resolves after its store restored (if any), not after sync. */
  connect: (options: ConnectOptions) => Promise<{ replicaId: string }>
  /** Applies ops now, in order. */
  apply: (replicaId: string, ops: z.input<typeof workloadOpSchema>[]) => Promise<void>
  /** Runs scheduled ops for replicas of this host; resolves when all ran. */
  run: (schedule: Schedule) => Promise<{ ran: number, lateMsMax: number }>
  /** Resolves once the replica is synced (or rejects after timeoutMs). */
  waitSynced: (replicaId: string, timeoutMs: number) => Promise<void>
  /** Resolves once no write of the replica awaits an ack (or rejects after timeoutMs). */
  waitAcked: (replicaId: string, timeoutMs: number) => Promise<void>
  digest: (replicaId: string) => Promise<string>
  opIds: (replicaId: string) => Promise<string[]>
  stats: (replicaId: string) => Promise<ReplicaStats>
  storeBench: (options: StoreBenchOptions) => Promise<StoreBenchResult>
  /** Closes one replica (its socket, timers and store). */
  close: (replicaId: string) => Promise<void>
  closeAll: () => Promise<void>
}

declare global {
  interface Window { syncstorm: HarnessApi }
}
