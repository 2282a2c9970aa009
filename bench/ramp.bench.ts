/**
 * How many live browser replicas this machine holds at 1 op/s: runs the
 * @ramp scenario at growing sizes (contexts × replicas per page) and prints,
 * per size, host CPU while holding at the top stage (setup excluded), setup
 * time, host memory per replica and the verdict. Sizes stop growing once
 * that CPU averages more than 80%. Prints figures; asserts nothing.
 *
 *   npm run bench:ramp                      # chromium, default sizes
 *   BENCH_RAMP_SIZES=10x1,20x5 BENCH_PROJECT=firefox npm run bench:ramp
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { summarySchema } from '../reporter/summary.ts'

const envSchema = z.object({
  BENCH_RAMP_SIZES: z.string().regex(/^\d+x\d+(,\d+x\d+)*$/, 'BENCH_RAMP_SIZES is a list like 10x1,20x5 (contexts x replicas per page)').default('10x1,20x1,10x10,20x10,25x12'),
  BENCH_PROJECT: z.enum(['chromium', 'firefox', 'webkit']).default('chromium'),
  BENCH_CPU_LIMIT_PCT: z.coerce.number().min(1).max(100).default(80)
})
const parsed = envSchema.safeParse(process.env)
if (!parsed.success) {
  console.error(parsed.error.issues[0].message)
  process.exit(2)
}
const env = parsed.data
const reportsDir = path.resolve('reports/bench-ramp')

const rows: string[][] = [['contexts', 'per page', 'replicas', 'hold cpu mean %', 'hold cpu max %', 'setup ms/context (max)', 'setup ms/replica', 'host MB/replica', 'p95 propagation ms', 'verdict']]
for (const size of env.BENCH_RAMP_SIZES.split(',')) {
  const [contexts, perPage] = size.split('x').map(Number)
  console.log(`\n== @ramp with ${contexts} context(s) × ${perPage} replica(s) per page (${contexts * perPage} browser replicas) ==`)
  const run = spawnSync('npx', ['playwright', 'test', '--grep', '@ramp', `--project=${env.BENCH_PROJECT}`, '--reporter=./reporter/index.ts', '--output', '/tmp/syncstorm-bench-ramp'], {
    stdio: 'inherit',
    env: { ...process.env, STRESS_CONTEXTS: String(contexts), STRESS_REPLICAS_PER_PAGE: String(perPage), STRESS_NODE_REPLICAS: '0', STRESS_RATE: '1', STRESS_REPORTS_DIR: reportsDir },
    timeout: 20 * 60_000
  })
  const summaryPath = path.join(reportsDir, 'latest', 'summary.json')
  if (!fs.existsSync(summaryPath)) {
    console.error(`no summary was written (exit ${run.status})`)
    break
  }
  const test = summarySchema.parse(JSON.parse(fs.readFileSync(summaryPath, 'utf8'))).tests[0]
  const f = test.figures
  const num = (name: string): number => typeof f[name] === 'number' ? f[name] as number : NaN
  const replicas = num('replicas')
  const propagation = f.propagationMs
  rows.push([
    String(contexts), String(perPage), String(replicas),
    num('holdCpuPctMean').toFixed(0), num('holdCpuPctMax').toFixed(0),
    num('setupMsPerContextMax').toFixed(0), num('setupMsPerReplica').toFixed(0),
    (num('hostMemUsedBytesDelta') / replicas / 2 ** 20).toFixed(1),
    propagation !== null && typeof propagation === 'object' ? propagation.p95.toFixed(0) : 'n/a',
    test.verdict
  ])
  if (num('holdCpuPctMean') > env.BENCH_CPU_LIMIT_PCT) {
    console.log(`generator CPU averaged ${num('holdCpuPctMean').toFixed(0)}% while holding at the top (> ${env.BENCH_CPU_LIMIT_PCT}%): stopping here`)
    break
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
console.log('\n' + rows.map(r => r.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n'))
