/**
 * Server benchmark: the same load against the reference server, the official
 * `@y/websocket-server` and Hocuspocus (`stacks/hocuspocus/server.ts`:
 * `@hocuspocus/server` with its database extension writing files), one after
 * the other in one run.
 *
 *   npm run bench:server -- [--connections 1000] [--rooms 500] [--rate 20] [--duration 20]
 *                           [--target reference,official,hocuspocus] [--cpu-prof <dir>]
 *
 * Env: BENCH_CONNECTIONS, BENCH_ROOMS, BENCH_RATE (updates/s per connection),
 * BENCH_DURATION (s), BENCH_TARGET (comma-separated), BENCH_CPU_PROF (a
 * directory: the reference server writes a V8 CPU profile there). Each server
 * runs in its own process; the load generator runs in a worker thread of this
 * process.
 *
 * Prints, per target: relayed updates/s, delivery latency p50/p95/p99, ack
 * latency p50/p95/p99 (reference only: the others send no durable-write acks),
 * server RSS, server CPU per received update, generator CPU and event-loop lag
 * p99 (a saturated generator makes the figures a lower bound); then the
 * reference's ratios to the others and its figures against the goals of
 * issue 15 (<= 15 µs and >= 3x less CPU per update than the official server,
 * ack p95 < 100 ms, delivery p95 < 50 ms).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import { z } from 'zod'
import { spawnServer } from '../server/spawn.ts'
import type { LoadOptions, LoadResult } from './server-load.worker.ts'

const repoRoot = fileURLToPath(new URL('..', import.meta.url))

const targetNames = ['reference', 'official', 'hocuspocus'] as const
type TargetName = typeof targetNames[number]

const benchSchema = z.object({
  connections: z.coerce.number().int().min(2).max(100_000).default(1000),
  rooms: z.coerce.number().int().min(1).default(500),
  rate: z.coerce.number().positive().max(10_000).default(20),
  duration: z.coerce.number().positive().max(3600).default(20),
  target: z.string().default(targetNames.join(','))
    .transform(list => list.split(',').map(name => name.trim()).filter(name => name !== ''))
    .pipe(z.array(z.enum(targetNames, { message: `each target must be one of ${targetNames.join(', ')}` })).min(1)),
  cpuProf: z.string().min(1).optional()
})
type BenchOptions = z.infer<typeof benchSchema>

const readOptions = (): BenchOptions => {
  const { values } = parseArgs({
    options: { connections: { type: 'string' }, rooms: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string' }, target: { type: 'string' }, 'cpu-prof': { type: 'string' } }
  })
  const env = process.env
  const result = benchSchema.safeParse({
    connections: values.connections ?? env.BENCH_CONNECTIONS,
    rooms: values.rooms ?? env.BENCH_ROOMS,
    rate: values.rate ?? env.BENCH_RATE,
    duration: values.duration ?? env.BENCH_DURATION,
    target: values.target ?? env.BENCH_TARGET,
    cpuProf: values['cpu-prof'] ?? env.BENCH_CPU_PROF
  })
  if (!result.success) {
    const issue = result.error.issues[0]
    process.stderr.write(`Invalid bench option --${String(issue.path[0])}: ${issue.message}.\n`)
    process.exit(2)
  }
  return result.data
}

/** A server under test. */
interface Target { name: TargetName, url: string, pid: number, stop: () => Promise<void> }

const startReference = async (cpuProf?: string): Promise<Target> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'syncstorm-bench-'))
  const server = await spawnServer({
    dataDir,
    nodeArgs: cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`],
    env: { SYNC_LOG_LEVEL: 'warn', SYNC_RATE_LIMIT_PER_SEC: '100000', SYNC_RATE_LIMIT_BURST: '100000', SYNC_MAX_CONNECTIONS: '100000', SYNC_MAX_LOADED_DOCS: '100000' }
  })
  return {
    name: 'reference',
    url: server.url,
    pid: server.pid,
    stop: async () => {
      await server.stop()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}

const freePort = async (): Promise<number> => new Promise((resolve, reject) => {
  const probe = createServer()
  probe.once('error', reject)
  probe.listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number }
    probe.close(() => resolve(port))
  })
})

const waitForPort = async (port: number, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before listening`)
    const ok = await new Promise<boolean>(resolve => {
      const socket = tcpConnect(port, '127.0.0.1', () => { socket.destroy(); resolve(true) })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`server did not listen on ${port} within ${timeoutMs} ms`)
}

/** Starts a server script with `node`, waits for its port; `stop()` sends SIGTERM (SIGKILL after 10 s). */
const startChild = async (name: TargetName, args: (port: number) => string[], dataDir?: string): Promise<Target> => {
  const port = await freePort()
  const child = spawn(process.execPath, args(port), {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore'
  })
  const kill = (): void => { child.kill('SIGKILL') }
  process.once('exit', kill)
  await waitForPort(port, child, 20_000)
  return {
    name,
    url: `ws://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    stop: async () => {
      process.removeListener('exit', kill)
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise(resolve => child.once('exit', resolve))
        child.kill('SIGTERM')
        const timer = setTimeout(kill, 10_000)
        await exited
        clearTimeout(timer)
      }
      if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
    }
  }
}

const startOfficial = async (): Promise<Target> => startChild('official', () => ['node_modules/@y/websocket-server/src/server.js'])

const startHocuspocus = async (): Promise<Target> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'syncstorm-bench-hocuspocus-'))
  return startChild('hocuspocus', port => ['--import', 'tsx', 'stacks/hocuspocus/server.ts', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir], dataDir)
}

const starters: Record<TargetName, (cpuProf?: string) => Promise<Target>> = {
  reference: startReference,
  official: startOfficial,
  hocuspocus: startHocuspocus
}

/** Resident and peak resident memory of a process, from /proc (Linux). */
const rssMiB = async (pid: number): Promise<{ rss: number, peak: number }> => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN)
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 }
}

const runLoad = async (load: LoadOptions): Promise<LoadResult> => new Promise((resolve, reject) => {
  // Node 20 resolves a worker's .ts entry before --import hooks apply: register tsx first, then import it.
  const entry = new URL('./server-load.worker.ts', import.meta.url).href
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}) })`
  const worker = new Worker(bootstrap, { eval: true, workerData: load })
  const timer = setTimeout(() => {
    void worker.terminate()
    reject(new Error('load generator did not finish in time'))
  }, load.durationMs + 120_000)
  worker.once('message', (message: { ok: true, result: LoadResult } | { ok: false, error: string }) => {
    clearTimeout(timer)
    void worker.terminate()
    if (message.ok) resolve(message.result)
    else reject(new Error(message.error))
  })
  worker.once('error', err => {
    clearTimeout(timer)
    reject(err)
  })
})

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
const cpuSeconds = async (pid: number): Promise<number> => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15, in clock ticks (100 Hz).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

interface Row { target: TargetName, result: LoadResult, rss: { rss: number, peak: number }, serverCpuSeconds: number, generatorCpuSeconds: number }

const measure = async (start: (cpuProf?: string) => Promise<Target>, options: BenchOptions): Promise<Row> => {
  const target = await start(options.cpuProf)
  try {
    const cpuBefore = await cpuSeconds(target.pid)
    const generatorBefore = process.cpuUsage()
    const result = await runLoad({
      url: target.url,
      connections: options.connections,
      rooms: options.rooms,
      updatesPerSec: options.rate,
      durationMs: Math.round(options.duration * 1000),
      ack: target.name === 'reference',
      dialect: target.name === 'hocuspocus' ? 'hocuspocus' : 'y-websocket'
    })
    const generator = process.cpuUsage(generatorBefore)
    return {
      target: target.name,
      result,
      rss: await rssMiB(target.pid),
      serverCpuSeconds: await cpuSeconds(target.pid) - cpuBefore,
      generatorCpuSeconds: (generator.user + generator.system) / 1e6
    }
  } finally {
    await target.stop()
  }
}

const fmt = (n: number, digits = 1): string => Number.isFinite(n) ? n.toFixed(digits) : 'n/a'

const print = (row: Row): void => {
  const r = row.result
  const perSec = r.relayed / (r.measuredMs / 1000)
  console.log(`\n[${row.target}]`)
  console.log(`  sent updates          ${r.sent}  (${fmt(r.sent / (r.measuredMs / 1000), 0)}/s)`)
  console.log(`  relayed updates/s     ${fmt(perSec, 0)}  (${r.relayed} delivered to peers, ${r.echoes} echoed back to senders)`)
  console.log(`  delivery latency ms   p50 ${fmt(r.delivery.p50, 2)}  p95 ${fmt(r.delivery.p95, 2)}  p99 ${fmt(r.delivery.p99, 2)}  max ${fmt(r.delivery.max, 2)}`)
  if (r.ack.count > 0) console.log(`  ack latency ms        p50 ${fmt(r.ack.p50, 2)}  p95 ${fmt(r.ack.p95, 2)}  p99 ${fmt(r.ack.p99, 2)}  max ${fmt(r.ack.max, 2)}  (${r.acked} acked)`)
  else console.log('  ack latency ms        n/a (no acks from this server)')
  console.log(`  server RSS MiB        ${fmt(row.rss.rss)}  (peak ${fmt(row.rss.peak)})`)
  console.log(`  server CPU            ${fmt(row.serverCpuSeconds, 2)} s  (${fmt(cpuPerUpdateUs(row), 1)} µs per received update, connection set-up included)`)
  console.log(`  generator CPU         ${fmt(row.generatorCpuSeconds, 2)} s`)
  console.log(`  generator lag p99 ms  ${fmt(r.generatorLagP99Ms, 1)}${r.generatorLagP99Ms > 50 ? '  (generator saturated: figures are a lower bound)' : ''}`)
  if (r.closed > 0) console.log(`  unexpected closes     ${r.closed}`)
}

const cpuPerUpdateUs = (row: Row): number => row.serverCpuSeconds * 1e6 / Math.max(1, row.result.sent)

const printRatios = (ref: Row, other: Row): void => {
  const rate = (row: Row): number => row.result.relayed / row.result.measuredMs
  console.log(`\n[reference / ${other.target}]`)
  console.log(`  relayed updates/s     ${fmt(rate(ref) / rate(other), 2)}x`)
  console.log(`  delivery p95          ${fmt(ref.result.delivery.p95 / other.result.delivery.p95, 2)}x`)
  console.log(`  delivery p99          ${fmt(ref.result.delivery.p99 / other.result.delivery.p99, 2)}x`)
  console.log(`  server RSS            ${fmt(ref.rss.rss / other.rss.rss, 2)}x`)
  console.log(`  server CPU per update ${fmt(cpuPerUpdateUs(ref) / cpuPerUpdateUs(other), 2)}x  (${other.target} uses ${fmt(cpuPerUpdateUs(other) / cpuPerUpdateUs(ref), 1)}x the reference's)`)
}

const verdict = (ok: boolean): string => ok ? 'met' : 'NOT met'

/** The reference's figures against issue 15's goals (printed, never asserted). */
const printGoals = (ref: Row, official: Row | undefined): void => {
  const cpu = cpuPerUpdateUs(ref)
  console.log('\n[goals: reference]')
  console.log(`  server CPU per update <= 15 µs        ${fmt(cpu, 1)} µs: ${verdict(cpu <= 15)}`)
  if (official !== undefined) {
    const times = cpuPerUpdateUs(official) / cpu
    console.log(`  >= 3x less CPU than official          ${fmt(times, 2)}x less: ${verdict(times >= 3)}`)
  }
  console.log(`  ack p95 < 100 ms                      ${fmt(ref.result.ack.p95, 1)} ms: ${verdict(ref.result.ack.p95 < 100)}`)
  console.log(`  delivery p95 < 50 ms                  ${fmt(ref.result.delivery.p95, 1)} ms: ${verdict(ref.result.delivery.p95 < 50)}`)
}

const main = async (): Promise<void> => {
  const options = readOptions()
  console.log(`server bench: ${options.connections} connections in ${options.rooms} rooms, ${options.rate} updates/s each, ${options.duration} s; targets ${options.target.join(', ')}`)
  const rows: Row[] = []
  for (const name of options.target) rows.push(await measure(starters[name], options))
  rows.forEach(print)
  const ref = rows.find(r => r.target === 'reference')
  if (ref === undefined) return
  for (const other of rows) if (other !== ref) printRatios(ref, other)
  printGoals(ref, rows.find(r => r.target === 'official'))
}

main().catch(err => {
  process.stderr.write(`Server bench failed: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
