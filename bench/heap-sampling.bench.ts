/**
 * What heap sampling costs the figures it sits beside: runs one scenario
 * with the same seed under every sampling mode (off, passive: heap as it is,
 * the default; gc: a forced GC before each sample, as the leak-judging soak
 * does), alternating the modes round after round so a change in host load
 * hits all of them alike, and prints per mode the median achieved op rate
 * and propagation p95, and their ratio to `off`. The goal: passive within 2%
 * of off on both. Prints figures; asserts nothing.
 *
 *   npm run bench:heap                                   # @burst, chromium, 3 rounds
 *   BENCH_GREP=@baseline BENCH_ROUNDS=5 npm run bench:heap
 *
 * The scenario runs at STRESS_RATE / STRESS_DURATION_MS (default 50 op/s per
 * replica for 20 s: enough load that a GC pause shows) with the generator
 * check off: this benchmark reads the figures, not the verdict.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { summarySchema } from '../reporter/summary.ts'

const envSchema = z.object({
  BENCH_GREP: z.string().default('@burst'),
  BENCH_PROJECT: z.enum(['chromium', 'firefox', 'webkit']).default('chromium'),
  BENCH_ROUNDS: z.coerce.number().int().min(1).max(20).default(3),
  STRESS_SEED: z.coerce.number().int().min(0).default(4242),
  STRESS_RATE: z.coerce.number().positive().default(50),
  STRESS_DURATION_MS: z.coerce.number().int().positive().default(20_000)
})
const parsed = envSchema.safeParse(process.env)
if (!parsed.success) {
  console.error(`${String(parsed.error.issues[0]?.path[0])}: ${parsed.error.issues[0]?.message}`)
  process.exit(2)
}
const env = parsed.data
const modes = ['off', 'passive', 'gc'] as const
type Mode = (typeof modes)[number]
const reportsDir = path.resolve('reports/bench-heap')

interface Sample { opsPerSec: number, p95: number, samples: number }
const results = new Map<Mode, Sample[]>(modes.map(mode => [mode, []]))

for (let round = 1; round <= env.BENCH_ROUNDS; round++) {
  for (const mode of modes) {
    console.log(`\n== round ${round}/${env.BENCH_ROUNDS}: ${env.BENCH_GREP} with heap sampling ${mode} (seed ${env.STRESS_SEED}) ==`)
    spawnSync('npx', ['playwright', 'test', '--grep', env.BENCH_GREP, `--project=${env.BENCH_PROJECT}`, '--reporter=./reporter/index.ts', '--output', '/tmp/syncstorm-bench-heap'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, STRESS_HEAP_SAMPLING: mode, STRESS_GENERATOR_CHECK: 'off', STRESS_SEED: String(env.STRESS_SEED), STRESS_RATE: String(env.STRESS_RATE), STRESS_DURATION_MS: String(env.STRESS_DURATION_MS), STRESS_REPORTS_DIR: reportsDir },
      timeout: 15 * 60_000
    })
    const summaryPath = path.join(reportsDir, 'latest', 'summary.json')
    const test = summarySchema.parse(JSON.parse(fs.readFileSync(summaryPath, 'utf8'))).tests[0]
    const opsPerSec = test?.figures.achievedOpsPerSec
    const propagation = test?.figures.propagationMs
    if (typeof opsPerSec !== 'number' || propagation === null || typeof propagation !== 'object') {
      console.error(`the run recorded no achievedOpsPerSec or propagationMs (verdict ${test?.verdict}): see ${summaryPath}`)
      process.exit(1)
    }
    results.get(mode)!.push({ opsPerSec, p95: propagation.p95, samples: propagation.count })
    console.log(`   ${opsPerSec.toFixed(1)} ops/s, propagation p95 ${propagation.p95.toFixed(2)} ms over ${propagation.count} samples (verdict ${test!.verdict})`)
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const off = results.get('off')!
const base = { opsPerSec: median(off.map(s => s.opsPerSec)), p95: median(off.map(s => s.p95)) }
const rows = [['heap sampling', 'ops/s (median)', 'ratio to off', 'propagation p95 ms (median)', 'ratio to off', 'every round: ops/s | p95 ms']]
for (const mode of modes) {
  const samples = results.get(mode)!
  const opsPerSec = median(samples.map(s => s.opsPerSec))
  const p95 = median(samples.map(s => s.p95))
  rows.push([mode, opsPerSec.toFixed(1), (opsPerSec / base.opsPerSec).toFixed(3), p95.toFixed(2), (p95 / base.p95).toFixed(3), samples.map(s => `${s.opsPerSec.toFixed(0)} | ${s.p95.toFixed(1)}`).join(', ')])
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => r[i]!.length)))
console.log(`\n${env.BENCH_GREP} on ${env.BENCH_PROJECT}, ${env.STRESS_RATE} op/s per replica for ${env.STRESS_DURATION_MS} ms, seed ${env.STRESS_SEED}, ${env.BENCH_ROUNDS} round(s) per mode:`)
console.log(rows.map(r => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n'))
