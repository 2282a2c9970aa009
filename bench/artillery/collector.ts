/**
 * The coordinator of Artillery's users, on loopback. Artillery has no
 * barrier and no shared schedule, so its users (bench/artillery/processor.mjs)
 * ask this server, in order:
 *
 *   POST /join             -> { replicaId, connect, harnessUrl }   a replica id and the suite's connect options
 *   POST /ready {replicaId} -> Schedule                            held until every user is synced: the same
 *                                                                  seeded 1 op/s schedule syncstorm runs
 *   POST /ran {replicaId}   -> { writes, settleMs }                held until every user ran its ops
 *   POST /stats ReplicaStats -> 204                                the replica's history, as syncstorm's oracle reads it
 *
 * The hold is measured as syncstorm's @ramp measures it (scenarios/ramp.ts):
 * host CPU every 500 ms from the schedule's start until every user ran its ops.
 *
 * @module bench/artillery/collector
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import { replicaStatsSchema, type ConnectOptions, type ReplicaStats, type Schedule } from '../../client/harness/api.ts'
import { buildSchedule } from '../../workload/generator.ts'
import { GeneratorHealth, type HealthSummary } from '../../metrics/generator-health.ts'

export interface CollectorOptions {
  users: number
  holdMs: number
  seed: number
  harnessUrl: string
  /** Every connect option but the replica id (url, docName, the profile's client settings). */
  connect: Omit<ConnectOptions, 'replicaId'>
  /** Users not ready by then are left out, and the run says so. */
  barrierTimeoutMs: number
  /** Time a user waits, after everyone ran, for every write to reach it. */
  settleMs: number
}

export interface Collected {
  joined: number
  ready: number
  ran: number
  stats: ReplicaStats[]
  /** Undefined when no user got to the hold. */
  hold: HealthSummary | undefined
}

export interface Collector {
  url: string
  /** What came in so far; the hold is final once every user ran. */
  collected: () => Collected
  /** Resolves once every scheduled user posted its stats. */
  allStats: Promise<void>
  /** Resolve when the hold starts (everyone synced) and ends (everyone ran its ops). */
  holdStarted: Promise<void>
  holdEnded: Promise<void>
  close: () => Promise<void>
}

const replicaBody = z.object({ replicaId: z.string() })
/** Leaves the users time to receive their schedule before the first op is due, as fixtures/workload.ts does. */
const leadMs = 300

/** A barrier: resolves for everyone once `count` arrived or the time is up. */
const barrier = (count: () => number, timeoutMs: number): { arrive: () => Promise<void>, arrived: () => number } => {
  let arrived = 0
  let release: () => void = () => {}
  const released = new Promise<void>(resolve => { release = resolve })
  let timer: ReturnType<typeof setTimeout> | undefined
  return {
    arrived: () => arrived,
    arrive: async () => {
      arrived++
      timer ??= setTimeout(release, timeoutMs)
      if (arrived >= count()) release()
      await released
      clearTimeout(timer)
    }
  }
}

/**
 * @param {CollectorOptions} options
 * @return {Promise<Collector>} listening on 127.0.0.1
 */
export const startCollector = async (options: CollectorOptions): Promise<Collector> => {
  let joined = 0
  let schedule: Schedule | undefined
  let health: GeneratorHealth | undefined
  let hold: HealthSummary | undefined
  const stats: ReplicaStats[] = []
  const scheduled = (): string[] => [...new Set(schedule?.ops.map(o => o.replicaId) ?? [])]
  const readyIds: string[] = []
  const ready = barrier(() => options.users, options.barrierTimeoutMs)
  const ran = barrier(() => scheduled().length, options.holdMs + options.barrierTimeoutMs)
  let statsDone: () => void = () => {}
  const allStats = new Promise<void>(resolve => { statsDone = resolve })
  let started: () => void = () => {}
  const holdStarted = new Promise<void>(resolve => { started = resolve })
  let ended: () => void = () => {}
  const holdEnded = new Promise<void>(resolve => { ended = resolve })

  const routes: Record<string, (body: unknown) => Promise<unknown>> = {
    '/join': async () => {
      if (joined >= options.users) throw new Error(`all ${options.users} users joined already`)
      const replicaId = `artillery-u${joined++}`
      return { replicaId, harnessUrl: options.harnessUrl, connect: { ...options.connect, replicaId } }
    },
    '/ready': async body => {
      const { replicaId } = replicaBody.parse(body)
      readyIds.push(replicaId)
      await ready.arrive()
      if (schedule === undefined) {
        // The first user through the barrier builds everyone's schedule, and the hold starts.
        schedule = buildSchedule({ ratePerReplica: 1, durationMs: options.holdMs, seed: options.seed }, [...readyIds], Date.now() + leadMs + readyIds.length)
        health = new GeneratorHealth(500)
        started()
      }
      return { startAt: schedule.startAt, ops: schedule.ops.filter(o => o.replicaId === replicaId) }
    },
    '/ran': async body => {
      replicaBody.parse(body)
      await ran.arrive()
      if (hold === undefined && health !== undefined) {
        hold = health.stop()
        ended()
      }
      return { writes: schedule?.ops.filter(o => o.op.kind !== 'read').length ?? 0, settleMs: options.settleMs }
    },
    '/stats': async body => {
      stats.push(replicaStatsSchema.parse(body))
      if (stats.length >= scheduled().length) statsDone()
      return undefined
    }
  }

  const server = http.createServer((req, res) => {
    const route = routes[req.url ?? '']
    if (req.method !== 'POST' || route === undefined) {
      res.writeHead(404).end(`no such collector route: ${req.method} ${req.url}`)
      return
    }
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { text += chunk })
    req.on('end', () => {
      route(text === '' ? {} : JSON.parse(text)).then(answer => {
        if (answer === undefined) res.writeHead(204).end()
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
      }, (error: Error) => {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`${req.url}: ${error.message}`)
      })
    })
  })
  // A barrier holds requests open for as long as the slowest user takes.
  server.requestTimeout = 0
  server.headersTimeout = 0
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    collected: () => ({ joined, ready: ready.arrived(), ran: ran.arrived(), stats: [...stats], hold }),
    allStats,
    holdStarted,
    holdEnded,
    close: async () => {
      if (hold === undefined && health !== undefined) hold = health.stop()
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
