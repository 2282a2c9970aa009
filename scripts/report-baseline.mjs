// `npm run report:baseline`: stores the headline figures of the latest run
// (reports/latest/summary.json, or the summary given as argument) as
// reports/baseline.json, which later runs are compared with (DESIGN §7).
// Reports folder: STRESS_REPORTS_DIR, default reports.
import fs from 'node:fs'
import path from 'node:path'
import { summarySchema } from '../reporter/summary.ts'
import { createBaseline, writeBaseline } from '../reporter/baseline.ts'

const reportsDir = path.resolve(process.env.STRESS_REPORTS_DIR ?? 'reports')
const summaryFile = path.resolve(process.argv[2] ?? path.join(reportsDir, 'latest', 'summary.json'))

const fail = (message) => {
  console.error(`report:baseline: ${message}`)
  process.exit(1)
}

if (!fs.existsSync(summaryFile)) fail(`${summaryFile} does not exist; run the stress suite first (npm run stress) or pass a summary.json path.`)
let raw
try {
  raw = JSON.parse(fs.readFileSync(summaryFile, 'utf8'))
} catch {
  fail(`${summaryFile} is not valid JSON; pass the summary.json of a finished run.`)
}
const parsed = summarySchema.safeParse(raw)
if (!parsed.success) fail(`${summaryFile} is not a syncstorm summary (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); pass the summary.json of a finished run.`)

const baseline = createBaseline(parsed.data)
if (baseline.tests.length === 0) fail(`run ${baseline.runId} has no headline figures (no test recorded a registered latency, duration, throughput or rate figure, nor a lost, phantom or divergent count); pick a run whose tests passed.`)
const out = path.join(reportsDir, 'baseline.json')
fs.mkdirSync(reportsDir, { recursive: true })
writeBaseline(out, baseline)
console.log(`report:baseline: ${path.relative(process.cwd(), out)} now holds run ${baseline.runId} (profile ${baseline.profile}, ${baseline.tests.length} test × browser entries).`)
