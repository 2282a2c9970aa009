/**
 * What heap sampling costs the figures it sits beside: runs one scenario
 * with the same seed under every sampling mode (off, passive: heap as it is,
 * the default; gc: a forced GC before each sample, as the leak-judging soak
 * does), alternating the modes round after round so a change in host load
 * hits all of them alike. Per mode it prints the achieved op rate and the
 * propagation percentiles of every round's samples merged (exact HDR merge),
 * their ratio to `off`, and the spread of `off` itself from round to round:
 * a difference inside that spread is this machine's noise. The goal: passive
 * within 2% of off on both. Prints figures; asserts nothing.
 *
 *   npm run bench:heap                                   # @burst, chromium, 5 rounds
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
import { LatencyHistogram } from '../metrics/histogram.ts'

const envSchema = z.object({
  BENCH_GREP: z.string().default('@burst'),
  BENCH_PROJECT: z.enum(['chromium', 'firefox', 'webkit']).default('chromium'),
  BENCH_ROUNDS: z.coerce.number().int().min(1).max(20).default(5),
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

interface Sample { opsPerSec: number, p95: number, propagation: LatencyHistogram }
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
    const encoded = test?.histograms.propagationMs
    if (typeof opsPerSec !== 'number' || encoded === undefined) {
      console.error(`the run recorded no achievedOpsPerSec or propagationMs (verdict ${test?.verdict}): see ${summaryPath}`)
      process.exit(1)
    }
    const propagation = LatencyHistogram.decode(encoded)
    results.get(mode)!.push({ opsPerSec, p95: propagation.percentile(95), propagation })
    console.log(`   ${opsPerSec.toFixed(1)} ops/s, propagation p95 ${propagation.percentile(95).toFixed(2)} ms over ${propagation.count} samples (verdict ${test!.verdict})`)
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const merged = (samples: Sample[]): LatencyHistogram => {
  const all = new LatencyHistogram()
  for (const s of samples) all.add(s.propagation)
  return all
}
const off = results.get('off')!
const base = { opsPerSec: median(off.map(s => s.opsPerSec)), p50: merged(off).percentile(50), p95: merged(off).percentile(95) }
const rows = [['heap sampling', 'ops/s (median)', 'ratio', 'p50 ms (merged)', 'ratio', 'p95 ms (merged)', 'ratio', 'p95 per round']]
for (const mode of modes) {
  const samples = results.get(mode)!
  const all = merged(samples)
  const opsPerSec = median(samples.map(s => s.opsPerSec))
  rows.push([
    mode, opsPerSec.toFixed(1), (opsPerSec / base.opsPerSec).toFixed(3),
    all.percentile(50).toFixed(2), (all.percentile(50) / base.p50).toFixed(3),
    all.percentile(95).toFixed(2), (all.percentile(95) / base.p95).toFixed(3),
    samples.map(s => s.p95.toFixed(1)).join(', ')
  ])
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => r[i]!.length)))
const offP95s = off.map(s => s.p95)
console.log(`\n${env.BENCH_GREP} on ${env.BENCH_PROJECT}, ${env.STRESS_RATE} op/s per replica for ${env.STRESS_DURATION_MS} ms, seed ${env.STRESS_SEED}, ${env.BENCH_ROUNDS} round(s) per mode:`)
console.log(rows.map(r => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n'))
console.log(`noise: with sampling off, propagation p95 ranged ${Math.min(...offP95s).toFixed(2)}–${Math.max(...offP95s).toFixed(2)} ms from round to round`)
