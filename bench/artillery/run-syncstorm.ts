/**
 * syncstorm's side of bench:artillery at one size: the @ramp scenario with
 * the bench profile (bench/artillery/profile.ts), run by `npx playwright test`
 * as bench:ramp runs it. Its figures are read from the metrics.json the test
 * attached, through Playwright's JSON reporter, so the dashboard is neither
 * built nor needed.
 *
 * @module bench/artillery/run-syncstorm
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { testMetricsSchema } from '../../metrics/test-metrics.ts'
import { processKinds } from '../../metrics/proc-stat.ts'
import type { SideResult } from './run-artillery.ts'

const profileFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'profile.ts')
const outputDir = '/tmp/syncstorm-bench-artillery'
const reportFile = `${outputDir}-report.json`

/** The JSON reporter's shape, as far as this reads it. */
const reportSchema = z.object({
  suites: z.array(z.unknown())
})
const attachmentSchema = z.object({ name: z.string(), body: z.string().optional() })

/** The base64 body of the first metrics.json attachment anywhere in the report. */
const findMetrics = (node: unknown): string | undefined => {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findMetrics(child)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (typeof node !== 'object' || node === null) return undefined
  const attachment = attachmentSchema.safeParse(node)
  if (attachment.success && attachment.data.name === 'metrics.json' && attachment.data.body !== undefined) return attachment.data.body
  return findMetrics(Object.values(node))
}

/**
 * @param {number} users browser contexts, one replica each
 * @param {number} seed
 */
export const runSyncstorm = (users: number, seed: number): SideResult => {
  fs.rmSync(reportFile, { force: true })
  const run = spawnSync('npx', ['playwright', 'test', '--grep', '@ramp', '--project=chromium', '--reporter=line,json', '--output', outputDir], {
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_FILE: reportFile, STRESS_PROFILE: profileFile, STRESS_ROOM_SIZE: '', STRESS_SEED: String(seed), STRESS_CONTEXTS: String(users), STRESS_REPLICAS_PER_PAGE: '1', STRESS_NODE_REPLICAS: '0', STRESS_RATE: '1' },
    timeout: 20 * 60_000
  })
  const body = fs.existsSync(reportFile) ? findMetrics(reportSchema.parse(JSON.parse(fs.readFileSync(reportFile, 'utf8'))).suites) : undefined
  if (body === undefined) return { live: 0, cpuPctMean: NaN, cpuPctMax: NaN, propagationP95Ms: undefined, cpuPctByKind: {}, note: `the test attached no metrics.json (playwright exited ${run.status ?? run.signal})` }
  const metrics = testMetricsSchema.parse(JSON.parse(Buffer.from(body, 'base64').toString('utf8')))
  const num = (name: string): number => typeof metrics.figures[name] === 'number' ? metrics.figures[name] as number : NaN
  const propagation = metrics.figures.propagationMs
  const live = num('liveBrowserReplicas')
  return {
    live: Number.isNaN(live) ? 0 : live,
    cpuPctMean: num('holdCpuPctMean'),
    cpuPctMax: num('holdCpuPctMax'),
    propagationP95Ms: propagation !== null && typeof propagation === 'object' ? propagation.p95 : undefined,
    cpuPctByKind: Object.fromEntries(processKinds.flatMap(kind => Number.isNaN(num(`holdCpuPctByKind.${kind}`)) ? [] : [[kind, num(`holdCpuPctByKind.${kind}`)]])),
    ...(metrics.verdict === 'pass' || metrics.verdict === 'fail' ? {} : { note: `verdict ${metrics.verdict}: ${metrics.verdictReasons.join('; ')}` })
  }
}
