/**
 * Entry of the dedicated OPFS worker (bundled to dist/harness/opfs-worker.js).
 * Parses each request (opfs-worker-protocol), runs it on the engine one at a
 * time in arrival order, and answers with the same id. Every failure goes back
 * as { code, message }, never as an uncaught error. `open` picks the engine:
 * file per key (opfs-worker) or one log (opfs-log).
 *
 * @module client/store/opfs-worker.worker
 */
import { OpfsWorkerEngine } from './opfs-worker-engine.ts'
import { OpfsLogEngine } from './opfs-log-engine.ts'
import { workerRequestSchema, type WorkerRequest, type WorkerResponse } from './opfs-worker-protocol.ts'
import { storeErrorCode } from './errors.ts'
import { StoreError } from './store.ts'

let engine: OpfsWorkerEngine | OpfsLogEngine | undefined
/** Requests run in order, so two ops never race for one file's lock inside this worker. */
let queue: Promise<void> = Promise.resolve()

const reply = (response: WorkerResponse, transfer: Transferable[] = []): void => {
  postMessage(response, { transfer })
}

/** StoreError messages carry a `[store] code: ` prefix that the page side adds again. */
const detailOf = (err: unknown): string => {
  const message = err instanceof Error ? err.message : String(err)
  return err instanceof StoreError ? message.replace(/^\[[^\]]*\] [\w-]+: /, '') : `the OPFS worker failed (${message}): retry, and reload the page if it persists.`
}

const opened = (request: WorkerRequest): OpfsWorkerEngine | OpfsLogEngine => {
  if (engine === undefined) throw new StoreError('io', 'opfs-worker', `request "${request.op}" came before "open": open the store first.`)
  return engine
}

const handle = async (request: WorkerRequest): Promise<void> => {
  switch (request.op) {
    case 'open': {
      engine?.close()
      engine = undefined
      if (request.engine.layout === 'log') {
        const { compactRatio, compactMinBytes, lockWaitMs } = request.engine
        const log = new OpfsLogEngine(request.namespace, { compactRatio, compactMinBytes, lockWaitMs })
        // Takes the lock and recovers the log now: a held lock or a missing API fails the open, not a later call.
        await log.open()
        engine = log
        return reply({ id: request.id, ok: true, recovery: log.recovery })
      }
      const files = new OpfsWorkerEngine(request.namespace, request.engine.keepHandlesOpen)
      // Fails early with 'unsupported' when OPFS is missing.
      await files.list()
      engine = files
      return reply({ id: request.id, ok: true })
    }
    case 'put':
      await opened(request).put(request.entries)
      return reply({ id: request.id, ok: true })
    case 'get': {
      const values = await opened(request).get(request.keys)
      return reply({ id: request.id, ok: true, values }, values.flatMap(value => (value === null ? [] : [value.buffer])))
    }
    case 'delete':
      await opened(request).delete(request.keys)
      return reply({ id: request.id, ok: true })
    case 'list':
      return reply({ id: request.id, ok: true, keys: await opened(request).list() })
    case 'compact': {
      const target = opened(request)
      if (!(target instanceof OpfsLogEngine)) throw new StoreError('unsupported', 'opfs-worker', 'the file-per-key layout has no compaction step: compact an opfs-log store.')
      await target.compact()
      return reply({ id: request.id, ok: true })
    }
    case 'clear':
      await opened(request).clear()
      return reply({ id: request.id, ok: true })
    case 'close':
      engine?.close()
      engine = undefined
      return reply({ id: request.id, ok: true })
  }
}

addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = workerRequestSchema.safeParse(event.data)
  if (!parsed.success) {
    const id = (event.data as { id?: unknown } | null)?.id
    const issue = parsed.error.issues[0]
    reply({
      id: typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : 0,
      ok: false,
      error: { code: 'io', message: `the OPFS worker got a malformed request (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}): send messages built by OpfsWorkerStore.` }
    })
    return
  }
  const request = parsed.data
  queue = queue.then(() => handle(request)).catch(err => {
    reply({ id: request.id, ok: false, error: { code: storeErrorCode(err), message: detailOf(err) } })
  })
})
