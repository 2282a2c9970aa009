/**
 * KeyValueStores whose engine is a dedicated Worker using OPFS sync access
 * handles: file per key (opfs-worker, see opfs-worker-engine.ts) or one
 * append-only log (opfs-log, see opfs-log-engine.ts). This side sends
 * id-tagged requests, parses every response, and turns failures into
 * StoreErrors; one put or delete call is one request, so one log write.
 *
 * @module client/store/opfs-worker
 */
import { z } from 'zod'
import { workerResponseSchema, type WorkerRequest, type WorkerResponse } from './opfs-worker-protocol.ts'
import { unsupportedError } from './errors.ts'
import { StoreError, type KeyValueStore, type StoreEntry } from './store.ts'

export const opfsWorkerOptionsSchema = z.object({
  /** Where the bundled worker is served; default `/harness/opfs-worker.js` on this origin. */
  workerUrl: z.union([z.string(), z.instanceof(URL)]).optional(),
  /** Keep one sync access handle per file open until delete/clear/close: faster, but holds each file's lock. */
  keepHandlesOpen: z.boolean().default(false),
  /** A request not answered within requestTimeoutMs + itemTimeoutMs per entry or key fails with 'io'. */
  requestTimeoutMs: z.number().positive().default(30_000),
  /** Firefox creates OPFS files slowly (tens of ms each), so big batches get more time. */
  itemTimeoutMs: z.number().nonnegative().default(1_000),
  /** opfs-log: compact when dead (overwritten or deleted) bytes exceed this share of the log... */
  compactRatio: z.number().positive().max(1).default(0.5),
  /** ...and at least this many bytes. */
  compactMinBytes: z.number().int().nonnegative().default(256 * 1024),
  /** opfs-log: how long opening waits for a held lock (a reloaded page's old worker letting go) before lock-held. */
  lockWaitMs: z.number().nonnegative().default(2_000)
})
export type ResolvedOpfsWorkerOptions = z.infer<typeof opfsWorkerOptionsSchema>
export type OpfsWorkerOptions = z.input<typeof opfsWorkerOptionsSchema>

type Request = WorkerRequest extends infer R ? R extends WorkerRequest ? Omit<R, 'id'> : never : never
type Answer = Omit<Extract<WorkerResponse, { ok: true }>, 'id' | 'ok'>
/** What opening an opfs-log store found and repaired. */
export type LogRecovery = NonNullable<Answer['recovery']>

interface Pending {
  resolve: (response: Answer) => void
  reject: (err: StoreError) => void
  timer: ReturnType<typeof setTimeout>
}

/** OPFS store backed by a worker; create it with openOpfsWorkerStore or openOpfsLogStore. */
export class OpfsWorkerStore implements KeyValueStore {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private failure: StoreError | undefined
  /** opfs-log only: rewrites the live records into a new log and drops the old one. */
  readonly compact?: () => Promise<void>
  /** opfs-log only: what opening found and repaired. */
  recovery: LogRecovery | undefined

  constructor (readonly kind: 'opfs-worker' | 'opfs-log', readonly namespace: string, private readonly worker: Worker, private readonly timeouts: Pick<ResolvedOpfsWorkerOptions, 'requestTimeoutMs' | 'itemTimeoutMs'>) {
    if (kind === 'opfs-log') this.compact = async () => { await this.request({ op: 'compact' }) }
    worker.addEventListener('message', event => this.receive(event.data))
    worker.addEventListener('error', event => {
      event.preventDefault()
      this.fail(new StoreError('io', kind, `the OPFS worker crashed (${event.message || 'it could not be loaded'}): check that it is served at its URL, then reopen the store.`))
    })
    worker.addEventListener('messageerror', () => {
      this.fail(new StoreError('io', kind, 'a message from the OPFS worker could not be deserialized: reopen the store.'))
    })
  }

  /** Sends one request; resolves with the worker's answer. */
  request (request: Request): Promise<Answer> {
    if (this.failure !== undefined) return Promise.reject(this.failure)
    const id = this.nextId++
    const items = 'entries' in request ? request.entries.length : 'keys' in request ? request.keys.length : 0
    const timeoutMs = this.timeouts.requestTimeoutMs + items * this.timeouts.itemTimeoutMs
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new StoreError('io', this.kind, `the OPFS worker did not answer "${request.op}" within ${timeoutMs} ms: the worker is stuck or gone, so reopen the store.`))
      }, timeoutMs)
      this.pending.set(id, { resolve, reject, timer })
      this.worker.postMessage({ ...request, id })
    })
  }

  private receive (data: unknown): void {
    const parsed = workerResponseSchema.safeParse(data)
    if (!parsed.success) {
      this.fail(new StoreError('io', this.kind, 'the OPFS worker sent a malformed response: the page and worker bundles differ, so rebuild with `npm run build`.'))
      return
    }
    const response = parsed.data
    const pending = this.pending.get(response.id)
    if (pending === undefined) return
    this.pending.delete(response.id)
    clearTimeout(pending.timer)
    if (response.ok) pending.resolve(response)
    else pending.reject(new StoreError(response.error.code, this.kind, response.error.message))
  }

  /** Rejects every pending request and all later ones. */
  private fail (err: StoreError): void {
    this.failure ??= err
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer)
      pending.reject(err)
    }
    this.pending.clear()
  }

  async put (entries: StoreEntry[]): Promise<void> {
    await this.request({ op: 'put', entries })
  }

  async get (keys: string[]): Promise<Array<Uint8Array | undefined>> {
    const { values = [] } = await this.request({ op: 'get', keys })
    return values.map(value => value ?? undefined)
  }

  async delete (keys: string[]): Promise<void> {
    await this.request({ op: 'delete', keys })
  }

  async list (): Promise<string[]> {
    return (await this.request({ op: 'list' })).keys ?? []
  }

  async clear (): Promise<void> {
    await this.request({ op: 'clear' })
  }

  async close (): Promise<void> {
    try {
      if (this.failure === undefined) await this.request({ op: 'close' })
    } finally {
      this.fail(new StoreError('io', this.kind, `the store of namespace "${this.namespace}" is closed: open a new one.`))
      this.worker.terminate()
    }
  }
}

/**
 * Starts the worker and opens the namespace in it.
 * @param {'files' | 'log'} layout file per key (opfs-worker) or one log (opfs-log)
 * @param {string} namespace
 * @param {OpfsWorkerOptions} options
 * @return {Promise<OpfsWorkerStore>} rejects with 'unsupported' when workers or sync access handles are missing
 */
const openWorkerStore = async (layout: 'files' | 'log', namespace: string, options: OpfsWorkerOptions): Promise<OpfsWorkerStore> => {
  const { workerUrl, keepHandlesOpen, requestTimeoutMs, itemTimeoutMs, compactRatio, compactMinBytes, lockWaitMs } = opfsWorkerOptionsSchema.parse(options)
  const kind = layout === 'log' ? 'opfs-log' : 'opfs-worker'
  if (typeof Worker === 'undefined') throw unsupportedError(kind, 'Worker')
  const url = workerUrl ?? new URL('/harness/opfs-worker.js', location.origin)
  const store = new OpfsWorkerStore(kind, namespace, new Worker(url, { type: 'module' }), { requestTimeoutMs, itemTimeoutMs })
  try {
    const opened = await store.request({
      op: 'open',
      namespace,
      engine: layout === 'log' ? { layout, compactRatio, compactMinBytes, lockWaitMs } : { layout, keepHandlesOpen }
    })
    store.recovery = opened.recovery
  } catch (err) {
    await store.close().catch(() => {})
    throw err
  }
  return store
}

/**
 * The file-per-key store in a worker (opfs-worker).
 * @param {string} namespace
 * @param {OpfsWorkerOptions} options
 * @return {Promise<OpfsWorkerStore>}
 */
export const openOpfsWorkerStore = (namespace: string, options: OpfsWorkerOptions = {}): Promise<OpfsWorkerStore> => openWorkerStore('files', namespace, options)

/**
 * The log store in a worker (opfs-log): its lock is held until close.
 * @param {string} namespace
 * @param {OpfsWorkerOptions} options
 * @return {Promise<OpfsWorkerStore>} rejects with 'lock-held' when another tab or worker has the namespace open
 */
export const openOpfsLogStore = (namespace: string, options: OpfsWorkerOptions = {}): Promise<OpfsWorkerStore> => openWorkerStore('log', namespace, options)
