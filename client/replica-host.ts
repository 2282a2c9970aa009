/**
 * The harness API (client/harness/api.ts) over any number of SyncClients in
 * one JavaScript realm: the browser harness page and the Node host both wrap
 * this with their own WebSocket class and store. Every input is parsed with
 * the API's zod schemas, so a bad call fails with one clear sentence.
 *
 * @module client/replica-host
 */
import { z } from 'zod'
import { workloadOpSchema, type WorkloadOp } from '../model/todo-doc.ts'
import {
  connectOptionsSchema, scheduleSchema, storeBenchOptionsSchema,
  type HarnessApi, type ReplicaStats, type ResolvedConnectOptions, type StoreBenchOptions, type StoreBenchResult
} from './harness/api.ts'
import { SyncClient, type SyncClientDeps } from './sync-client.ts'

/** What the host needs of one replica: met by the reference SyncClient and by an adapter's (client/adapter/adapter-client.ts). */
export interface ReplicaClient {
  start: () => Promise<void>
  apply: (op: WorkloadOp) => unknown
  readonly state: ReplicaStats['state']
  readonly ackMode: ReplicaStats['ackMode']
  readonly pendingAcks: number
  digest: () => Promise<string>
  opIds: () => string[]
  snapshot: () => ReplicaStats
  close: () => Promise<void>
}

export interface ReplicaHostDeps<C extends ReplicaClient = SyncClient> extends SyncClientDeps {
  /** Builds one replica; the reference SyncClient when absent. */
  createClient?: (options: ResolvedConnectOptions) => C
  /** The store benchmark; absent where there is no browser storage. */
  storeBench?: (options: z.infer<typeof storeBenchOptionsSchema>) => Promise<StoreBenchResult>
  /** Label used in error messages, e.g. 'the harness page' or 'the Node host'. */
  hostName: string
}

/** How often waits re-check their condition. */
const pollMs = 10

const opsSchema = z.array(workloadOpSchema)
const timeoutSchema = z.number().positive().max(3_600_000)

/** A harness host plus direct access to its clients (Node tests use it). */
export interface ReplicaHost<C extends ReplicaClient = SyncClient> extends HarnessApi {
  client: (replicaId: string) => C
}

/**
 * @param {ReplicaHostDeps} deps
 * @return {ReplicaHost}
 */
export const createReplicaHost = <C extends ReplicaClient = SyncClient>(deps: ReplicaHostDeps<C>): ReplicaHost<C> => {
  const clients = new Map<string, C>()
  /** Scheduled ops not yet run: closeAll() cancels them and settles their run(). */
  const runTimers = new Map<ReturnType<typeof setTimeout>, () => void>()

  const client = (replicaId: string): C => {
    const found = clients.get(replicaId)
    if (found === undefined) throw new Error(`no replica '${replicaId}' in ${deps.hostName}: call connect() with that replicaId first.`)
    return found
  }

  const waitUntil = async (done: () => boolean, timeoutMs: number, failure: () => string | undefined, what: string): Promise<void> => {
    const deadline = performance.now() + timeoutSchema.parse(timeoutMs)
    for (;;) {
      if (done()) return
      const failed = failure()
      if (failed !== undefined) throw new Error(failed)
      if (performance.now() >= deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms.`)
      await new Promise(resolve => setTimeout(resolve, pollMs))
    }
  }

  const parse = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
    const result = schema.safeParse(value)
    if (!result.success) throw new Error(`invalid ${what}: ${z.prettifyError(result.error).replace(/\n/g, '; ')}`)
    return result.data
  }

  return {
    client,
    connect: async (input) => {
      const options = parse(connectOptionsSchema, input, 'connect options')
      if (clients.has(options.replicaId)) throw new Error(`replica '${options.replicaId}' already exists in ${deps.hostName}: use a new replicaId or close() it first.`)
      // Without a factory C is SyncClient (the default type argument).
      const created = deps.createClient?.(options) ?? new SyncClient(options, deps) as unknown as C
      clients.set(options.replicaId, created)
      try {
        await created.start()
      } catch (err) {
        clients.delete(options.replicaId)
        await created.close()
        throw err
      }
      return { replicaId: options.replicaId }
    },
    apply: async (replicaId, input) => {
      const target = client(replicaId)
      for (const op of parse(opsSchema, input, 'ops')) target.apply(op)
    },
    run: async (input) => {
      const schedule = parse(scheduleSchema, input, 'schedule')
      const mine = schedule.ops.filter(entry => clients.has(entry.replicaId))
      let ran = 0
      let lateMsMax = 0
      // One timer per op: every op runs once (or is cancelled by closeAll), so the run is bounded by the schedule.
      await Promise.all(mine.map(entry => new Promise<void>((resolve, reject) => {
        const dueAt = schedule.startAt + entry.atMs
        const arm = (): void => {
          const timer = setTimeout(() => {
            runTimers.delete(timer)
            const now = performance.timeOrigin + performance.now()
            // Timers may fire up to a millisecond early against this clock: never run an op before its time.
            if (now < dueAt) return arm()
            lateMsMax = Math.max(lateMsMax, now - dueAt)
            const target = clients.get(entry.replicaId)
            if (target === undefined) return resolve() // closed meanwhile: the op never ran
            try {
              target.apply(entry.op)
              ran += 1
              resolve()
            } catch (err) {
              reject(err)
            }
          }, Math.max(0, Math.ceil(dueAt - (performance.timeOrigin + performance.now()))))
          runTimers.set(timer, resolve)
        }
        arm()
      })))
      return { ran, lateMsMax }
    },
    waitSynced: async (replicaId, timeoutMs) => {
      const target = client(replicaId)
      await waitUntil(() => target.state === 'synced', timeoutMs, () => undefined, `replica '${replicaId}' sync`)
    },
    waitAcked: async (replicaId, timeoutMs) => {
      const target = client(replicaId)
      await waitUntil(() => target.pendingAcks === 0, timeoutMs,
        () => target.ackMode === 'no-ack' ? `replica '${replicaId}' talks to a server that does not acknowledge writes (ackMode no-ack): check the server's state with a fresh client instead.` : undefined,
        `acknowledgement of every write of replica '${replicaId}'`)
    },
    digest: async replicaId => client(replicaId).digest(),
    opIds: async replicaId => client(replicaId).opIds(),
    stats: async replicaId => client(replicaId).snapshot(),
    storeBench: async (input: StoreBenchOptions) => {
      const options = parse(storeBenchOptionsSchema, input, 'store bench options')
      if (deps.storeBench === undefined) throw new Error(`${deps.hostName} has no local storage to benchmark: run storeBench in the harness page.`)
      return deps.storeBench(options)
    },
    close: async replicaId => {
      const target = client(replicaId)
      clients.delete(replicaId)
      await target.close()
    },
    closeAll: async () => {
      for (const [timer, cancel] of runTimers) {
        clearTimeout(timer)
        cancel()
      }
      runTimers.clear()
      const all = [...clients.values()]
      clients.clear()
      await Promise.all(all.map(async target => target.close()))
    }
  }
}
