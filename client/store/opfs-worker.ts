/**
 * KeyValueStore whose engine is a dedicated Worker using OPFS sync access
 * handles (see opfs-worker-engine.ts). This side sends id-tagged requests,
 * parses every response, and turns failures into StoreErrors.
 *
 * @module client/store/opfs-worker
 */
import { z } from 'zod'
import { workerResponseSchema, type WorkerRequest } from './opfs-worker-protocol.ts'
import { unsupportedError } from './errors.ts'
import { StoreError, type KeyValueStore, type StoreEntry, type StoreKind } from './store.ts'

const kind: StoreKind = 'opfs-worker'

export const opfsWorkerOptionsSchema = z.object({
  /** Where the bundled worker is served; default `/harness/opfs-worker.js` on this origin. */
  workerUrl: z.union([z.string(), z.instanceof(URL)]).optional(),
  /** Keep one sync access handle per file open until delete/clear/close: faster, but holds each file's lock. */
  keepHandlesOpen: z.boolean().default(false),
  /** A request not answered within requestTimeoutMs + itemTimeoutMs per entry or key fails with 'io'. */
  requestTimeoutMs: z.number().positive().default(30_000),
  /** Firefox creates OPFS files slowly (tens of ms each), so big batches get more time. */
  itemTimeoutMs: z.number().nonnegative().default(1_000)
})
export type ResolvedOpfsWorkerOptions = z.infer<typeof opfsWorkerOptionsSchema>
export type OpfsWorkerOptions = z.input<typeof opfsWorkerOptionsSchema>

type Request = WorkerRequest extends infer R ? R extends WorkerRequest ? Omit<R, 'id'> : never : never

interface Pending {
  resolve: (response: { values?: Array<Uint8Array | null>, keys?: string[] }) => void
  reject: (err: StoreError) => void
  timer: ReturnType<typeof setTimeout>
}

/** OPFS store backed by a worker; create it with openOpfsWorkerStore. */
export class OpfsWorkerStore implements KeyValueStore {
  readonly kind = kind
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private failure: StoreError | undefined

  constructor (readonly namespace: string, private readonly worker: Worker, private readonly timeouts: Pick<ResolvedOpfsWorkerOptions, 'requestTimeoutMs' | 'itemTimeoutMs'>) {
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
  request (request: Request): Promise<{ values?: Array<Uint8Array | null>, keys?: string[] }> {
    if (this.failure !== undefined) return Promise.reject(this.failure)
    const id = this.nextId++
    const items = 'entries' in request ? request.entries.length : 'keys' in request ? request.keys.length : 0
    const timeoutMs = this.timeouts.requestTimeoutMs + items * this.timeouts.itemTimeoutMs
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new StoreError('io', kind, `the OPFS worker did not answer "${request.op}" within ${timeoutMs} ms: the worker is stuck or gone, so reopen the store.`))
      }, timeoutMs)
      this.pending.set(id, { resolve, reject, timer })
      this.worker.postMessage({ ...request, id })
    })
  }

  private receive (data: unknown): void {
    const parsed = workerResponseSchema.safeParse(data)
    if (!parsed.success) {
      this.fail(new StoreError('io', kind, 'the OPFS worker sent a malformed response: the page and worker bundles differ, so rebuild with `npm run build`.'))
      return
    }
    const response = parsed.data
    const pending = this.pending.get(response.id)
    if (pending === undefined) return
    this.pending.delete(response.id)
    clearTimeout(pending.timer)
    if (response.ok) pending.resolve(response)
    else pending.reject(new StoreError(response.error.code, kind, response.error.message))
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
      this.fail(new StoreError('io', kind, `the store of namespace "${this.namespace}" is closed: open a new one.`))
      this.worker.terminate()
    }
  }
}

/**
 * Starts the worker and opens the namespace in it.
 * @param {string} namespace
 * @param {OpfsWorkerOptions} options
 * @return {Promise<OpfsWorkerStore>} rejects with 'unsupported' when workers or sync access handles are missing
 */
export const openOpfsWorkerStore = async (namespace: string, options: OpfsWorkerOptions = {}): Promise<OpfsWorkerStore> => {
  const { workerUrl, keepHandlesOpen, requestTimeoutMs, itemTimeoutMs } = opfsWorkerOptionsSchema.parse(options)
  if (typeof Worker === 'undefined') throw unsupportedError(kind, 'Worker')
  const url = workerUrl ?? new URL('/harness/opfs-worker.js', location.origin)
  const store = new OpfsWorkerStore(namespace, new Worker(url, { type: 'module' }), { requestTimeoutMs, itemTimeoutMs })
  try {
    await store.request({ op: 'open', namespace, keepHandlesOpen })
  } catch (err) {
    await store.close().catch(() => {})
    throw err
  }
  return store
}
