/**
 * How many live browser replicas this machine holds at 1 op/s: runs the
 * @ramp scenario at growing sizes (contexts × replicas per page), in two
 * series: one room for everyone (fan-out O(n²)) and rooms of
 * `STRESS_ROOM_SIZE` replicas (10 by default; fan-out O(n)). Prints, per
 * size, the live replicas, propagation p95, host CPU while holding at the top
 * stage (setup excluded) and its split by process kind from /proc, setup time
 * and host memory per replica, and the verdict. A series stops growing once
 * that CPU averages more than 80%. Prints figures; asserts nothing.
 *
 *   npm run bench:ramp                                   # chromium, both series, default sizes
 *   STRESS_ROOM_SIZE=10 BENCH_RAMP_SIZES=30x10 npm run bench:ramp   # rooms only: the 300-replica row
 *   BENCH_RAMP_SERIES=one-room BENCH_RAMP_SIZES=10x10 npm run bench:ramp
 *   BENCH_RAMP_SIZES=10x1,20x5 BENCH_PROJECT=firefox npm run bench:ramp
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { summarySchema } from '../reporter/summary.ts'
import { processKinds } from '../metrics/proc-stat.ts'

const envSchema = z.object({
  BENCH_RAMP_SIZES: z.string().regex(/^\d+x\d+(,\d+x\d+)*$/, 'BENCH_RAMP_SIZES is a list like 10x1,20x5 (contexts x replicas per page)').default('10x1,20x1,10x10,20x10,30x10'),
  BENCH_PROJECT: z.enum(['chromium', 'firefox', 'webkit']).default('chromium'),
  BENCH_CPU_LIMIT_PCT: z.coerce.number().min(1).max(100).default(80),
  STRESS_ROOM_SIZE: z.coerce.number().int().min(1, 'STRESS_ROOM_SIZE is replicas per room, a whole number of at least 1').optional(),
  /** Which series: both unless STRESS_ROOM_SIZE is given, then rooms only. */
  BENCH_RAMP_SERIES: z.enum(['both', 'one-room', 'rooms']).optional()
})
const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')))
if (!parsed.success) {
  const issue = parsed.error.issues[0]!
  console.error(`${String(issue.path[0])} is invalid: ${issue.message}.`)
  process.exit(2)
}
const env = parsed.data
const roomSize = env.STRESS_ROOM_SIZE ?? 10
const series = env.BENCH_RAMP_SERIES ?? (env.STRESS_ROOM_SIZE === undefined ? 'both' : 'rooms')
const reportsDir = path.resolve('reports/bench-ramp')

const header = ['series', 'contexts', 'per page', 'replicas', 'p95 prop ms', 'hold cpu mean %', 'max %',
  ...processKinds.map(kind => `${kind} %`), 'setup ms/replica', 'setup ms/context (max)', 'host MB/replica', 'loop lag p99 ms', 'verdict']

/** Runs one size; returns its row and its hold CPU mean, or undefined when no summary was written. */
const runSize = (label: string, room: number | undefined, contexts: number, perPage: number): { row: string[], cpu: number } | undefined => {
  console.log(`\n== @ramp, ${label}: ${contexts} context(s) × ${perPage} replica(s) per page (${contexts * perPage} browser replicas) ==`)
  const childEnv: NodeJS.ProcessEnv = { ...process.env, STRESS_CONTEXTS: String(contexts), STRESS_REPLICAS_PER_PAGE: String(perPage), STRESS_NODE_REPLICAS: '0', STRESS_RATE: '1', STRESS_REPORTS_DIR: reportsDir }
  if (room === undefined) delete childEnv.STRESS_ROOM_SIZE
  else childEnv.STRESS_ROOM_SIZE = String(room)
  const summaryPath = path.join(reportsDir, 'latest', 'summary.json')
  fs.rmSync(summaryPath, { force: true })
  const run = spawnSync('npx', ['playwright', 'test', '--grep', '@ramp', `--project=${env.BENCH_PROJECT}`, '--reporter=./reporter/index.ts', '--output', '/tmp/syncstorm-bench-ramp'], {
    stdio: 'inherit', env: childEnv, timeout: 20 * 60_000
  })
  if (!fs.existsSync(summaryPath)) {
    console.error(`no summary was written (exit ${run.status})`)
    return undefined
  }
  const test = summarySchema.parse(JSON.parse(fs.readFileSync(summaryPath, 'utf8'))).tests[0]!
  const f = test.figures
  const num = (name: string): number => typeof f[name] === 'number' ? f[name] as number : NaN
  const fixed = (value: number, digits = 0): string => Number.isNaN(value) ? 'n/a' : value.toFixed(digits)
  const replicas = num('liveBrowserReplicas')
  const propagation = f.propagationMs
  return {
    cpu: num('holdCpuPctMean'),
    row: [
      label, String(contexts), String(perPage), fixed(replicas),
      propagation !== null && typeof propagation === 'object' ? propagation.p95.toFixed(0) : 'n/a',
      fixed(num('holdCpuPctMean')), fixed(num('holdCpuPctMax')),
      ...processKinds.map(kind => fixed(num(`holdCpuPctByKind.${kind}`), 1)),
      fixed(num('setupMsPerReplica')), fixed(num('setupMsPerContextMax')),
      fixed(num('hostMemUsedBytesDelta') / replicas / 2 ** 20, 1),
      fixed(num('runnerLoopLagP99MsMax')),
      test.verdict
    ]
  }
}

const rows: string[][] = [header]
const plans: Array<{ label: string, room: number | undefined }> = [
  ...(series === 'rooms' ? [] : [{ label: 'one room', room: undefined }]),
  ...(series === 'one-room' ? [] : [{ label: `rooms of ${roomSize}`, room: roomSize }])
]
for (const { label, room } of plans) {
  for (const size of env.BENCH_RAMP_SIZES.split(',')) {
    const [contexts, perPage] = size.split('x').map(Number) as [number, number]
    const result = runSize(label, room, contexts, perPage)
    if (result === undefined) break
    rows.push(result.row)
    if (result.cpu > env.BENCH_CPU_LIMIT_PCT) {
      console.log(`generator CPU averaged ${result.cpu.toFixed(0)}% while holding at the top (> ${env.BENCH_CPU_LIMIT_PCT}%): this series stops here`)
      break
    }
  }
}
const widths = header.map((_, i) => Math.max(...rows.map(r => r[i]!.length)))
console.log('\n' + rows.map(r => r.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n'))
console.log('\nCPU columns are percent of the whole host while holding; renderers … proxy come from /proc (the built-in fault proxy runs inside the runner).')
