/**
 * syncstorm against Artillery's Playwright engine at equal packing, in one
 * invocation: one replica per browser context, the same Chromium, the same
 * harness page, the same seeded workload (1 op/s per user, one room), on
 * loopback. Per user count it prints, for both, host CPU while holding and
 * propagation p95; then the largest user count each held under the CPU
 * limit, and their ratio (issue 15's goal: syncstorm ≥ 1.5× Artillery).
 * A side stops growing once it is over the limit. Prints figures; asserts
 * nothing.
 *
 * Artillery 2.0.21 and artillery-engine-playwright 1.30.0 are installed on
 * first use into a cache folder (bench/artillery/install.ts), not into the
 * project.
 *
 *   npm run bench:artillery
 *   BENCH_ARTILLERY_SIZES=20,40,60 npm run bench:artillery
 */
import { z } from 'zod'
import { resolveProfile } from '../profiles/index.ts'
import { ensureArtillery, artilleryVersion, engineVersion } from './artillery/install.ts'
import { runArtillery, type SideResult } from './artillery/run-artillery.ts'
import { runSyncstorm } from './artillery/run-syncstorm.ts'
import { holdMs } from './artillery/profile.ts'

const envSchema = z.object({
  BENCH_ARTILLERY_SIZES: z.string().regex(/^\d+(,\d+)*$/, 'BENCH_ARTILLERY_SIZES is a list of user counts like 20,40,60').default('20,40,60'),
  BENCH_CPU_LIMIT_PCT: z.coerce.number().min(1).max(100).default(80),
  BENCH_SEED: z.coerce.number().int().min(0).default(15)
})
const parsed = envSchema.safeParse(process.env)
if (!parsed.success) {
  console.error(parsed.error.issues[0]!.message)
  process.exit(2)
}
const env = parsed.data
const sizes = env.BENCH_ARTILLERY_SIZES.split(',').map(Number).sort((a, b) => a - b)

let artillery
try {
  artillery = ensureArtillery()
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
const { profile } = await resolveProfile({ STRESS_PROFILE: new URL('./artillery/profile.ts', import.meta.url).pathname })
console.log(`artillery ${artilleryVersion}, artillery-engine-playwright ${engineVersion} (playwright ${artillery.playwrightVersion}); hold ${holdMs / 1000} s per size at 1 op/s per user, one room`)

type Side = 'syncstorm' | 'artillery'
const results = new Map<number, Partial<Record<Side, SideResult>>>()
const over: Record<Side, boolean> = { syncstorm: false, artillery: false }
const held = (r: SideResult | undefined, users: number): boolean => r !== undefined && r.live === users && r.cpuPctMean <= env.BENCH_CPU_LIMIT_PCT
for (const users of sizes) {
  const row: Partial<Record<Side, SideResult>> = {}
  results.set(users, row)
  if (!over.syncstorm) {
    console.log(`\n== syncstorm: ${users} context(s), one replica each ==`)
    row.syncstorm = runSyncstorm(users, env.BENCH_SEED)
    over.syncstorm = !held(row.syncstorm, users)
  }
  if (!over.artillery) {
    console.log(`\n== Artillery: ${users} user(s), one context each ==`)
    row.artillery = await runArtillery(artillery, users, profile, holdMs, env.BENCH_SEED)
    over.artillery = !held(row.artillery, users)
  }
  if (over.syncstorm && over.artillery) break
}

const cell = (r: SideResult | undefined, users: number): string[] => r === undefined
  ? ['—', '—']
  : [`${r.cpuPctMean.toFixed(0)}% (max ${r.cpuPctMax.toFixed(0)})${r.live === users ? '' : `, ${r.live} live`}`, r.propagationP95Ms === undefined ? 'n/a' : `${r.propagationP95Ms.toFixed(0)} ms`]
const rows = [['users', 'syncstorm cpu hold', 'syncstorm p95', 'artillery cpu hold', 'artillery p95']]
for (const [users, row] of results) rows.push([String(users), ...cell(row.syncstorm, users), ...cell(row.artillery, users)])
const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => r[i]!.length)))
console.log('\n' + rows.map(r => r.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n'))
console.log('\nCPU while holding by process kind, % of all cores:')
for (const [users, row] of results) {
  for (const side of ['syncstorm', 'artillery'] as const) {
    const result = row[side]
    if (result === undefined) continue
    const split = Object.entries(result.cpuPctByKind).filter(([, pct]) => pct > 0.05).map(([kind, pct]) => `${kind} ${pct.toFixed(1)}`).join(', ')
    console.log(`  ${side} at ${users}: ${split === '' ? 'not measured' : split}${result.note === undefined ? '' : `\n    ${result.note}`}`)
  }
}

const largest = (side: Side): number => Math.max(0, ...[...results].filter(([users, row]) => held(row[side], users)).map(([users]) => users))
const best = { syncstorm: largest('syncstorm'), artillery: largest('artillery') }
// A side that held the largest size asked may hold more: its figure is a lower bound.
const bound = (side: Side): string => `${best[side]}${!over[side] && best[side] === sizes.at(-1) ? '+' : ''}`
console.log(`\nlargest users held under ${env.BENCH_CPU_LIMIT_PCT}% CPU: syncstorm ${bound('syncstorm')}, Artillery ${bound('artillery')}`)
if (best.artillery === 0) console.log('ratio: not measurable (Artillery held no size under the limit; try smaller sizes)')
else console.log(`ratio syncstorm / Artillery: ${(best.syncstorm / best.artillery).toFixed(2)}× (goal ≥ 1.5×; the grid is ${sizes.join(', ')} users, so the ratio is as fine as the grid)`)
