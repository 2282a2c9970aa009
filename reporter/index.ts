/**
 * The syncstorm reporter. It reads the metrics.json each test attached (it
 * never measures again), and writes `reports/<run-id>/summary.json` and the
 * dashboard `index.html` beside it, pointing `reports/latest` at that folder;
 * it appends `reports/history.jsonl` and compares with `reports/baseline.json`.
 * A headline figure past the baseline's fail percentage fails the run.
 * summary.json is version 2: a "never" figure is written as "never" (toJson).
 * Thin by design: collect in onTestEnd, write in onEnd. Nothing depends on a
 * live run, so `npx playwright merge-reports` of blob reports writes the same.
 *
 * Options (env, then reporter options, then default): STRESS_REPORTS_DIR / `outputDir` (reports).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import type { FullConfig, Reporter, Suite, TestCase, TestResult, FullResult } from '@playwright/test/reporter'
import { testMetricsSchema, toJson, type TestMetrics, type Verdict } from '../metrics/test-metrics.ts'
import { bySeverity, type Summary, type SummaryTest } from './summary.ts'
import { compareWithBaseline, readBaseline, regressionThresholds } from './baseline.ts'
import { appendHistory, historyLine, readHistory } from './history.ts'
import { buildDashboard } from './dashboard/build.ts'

interface ReporterOptions { outputDir?: string }

/** How many past runs the dashboard's trend charts show. */
const historyRuns = 30

/** A relative link with `/` separators, for HTML. */
const relativeLink = (from: string, to: string): string => path.relative(from, to).split(path.sep).join('/')

const gitRevision = (): string | null => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()
  } catch {
    return null
  }
}

/**
 * The metrics.json a test attached: its record, or why it cannot be read (a
 * suite error, never a pass); undefined when it attached none.
 */
const readMetrics = (result: TestResult): TestMetrics | { unreadable: string } | undefined => {
  const attachment = [...result.attachments].reverse().find(a => a.name === 'metrics.json')
  if (attachment === undefined) return undefined
  const body = attachment.body ?? (attachment.path !== undefined ? fs.readFileSync(attachment.path) : undefined)
  if (body === undefined) return { unreadable: 'its metrics.json attachment is empty' }
  let raw: unknown
  try {
    raw = JSON.parse(body.toString())
  } catch {
    return { unreadable: 'its metrics.json is not JSON' }
  }
  const parsed = testMetricsSchema.safeParse(raw)
  return parsed.success ? parsed.data : { unreadable: `its metrics.json does not match this reporter's schema (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}): was it written by another version of syncstorm?` }
}

const isRecord = (read: ReturnType<typeof readMetrics>): read is TestMetrics => read !== undefined && !('unreadable' in read)

/**
 * The verdict of a test with no readable record: a skip is not measurable,
 * a failure fails; a stress test that passed without judging anything, or
 * whose record cannot be read, is a suite error, never a pass.
 */
const verdictWithoutRecord = (status: TestResult['status'], read: ReturnType<typeof readMetrics>): { verdict: SummaryTest['verdict'], reason?: string } => {
  if (read !== undefined && 'unreadable' in read) return { verdict: 'error', reason: `the test's record cannot be read: ${read.unreadable}` }
  if (status === 'skipped') return { verdict: 'not-measurable' }
  if (status === 'passed') return { verdict: 'error', reason: 'the test passed without judging anything: it attached no metrics.json (a stress test ends with recorder.expectVerdict)' }
  return { verdict: 'fail' }
}

export default class SyncstormReporter implements Reporter {
  private config!: FullConfig
  private readonly results = new Map<TestCase, TestResult>()
  private readonly outputDir: string

  constructor (options: ReporterOptions = {}) {
    this.outputDir = path.resolve(process.env.STRESS_REPORTS_DIR ?? options.outputDir ?? 'reports')
  }

  onBegin (config: FullConfig, _suite: Suite): void {
    this.config = config
  }

  onTestEnd (test: TestCase, result: TestResult): void {
    this.results.set(test, result)
  }

  printsToStdio (): boolean {
    return false
  }

  async onEnd (fullResult: FullResult): Promise<{ status: FullResult['status'] } | undefined> {
    // The run's own start and duration: merge-reports replays them from the blobs.
    const started = fullResult.startTime
    const id = `${started.toISOString().replace(/[:.]/g, '-')}-${process.pid}`
    const runDir = path.join(this.outputDir, id)
    // Suite errors and failures first, as the dashboard lists them; a stable sort keeps run order within a verdict.
    const tests = [...this.results.entries()].map(([test, result]) => this.serializeTest(test, result, runDir)).sort((a, b) => bySeverity(a.verdict, b.verdict))
    const first = [...this.results.values()].map(readMetrics).find(isRecord)
    const summary: Summary = {
      version: 2,
      run: {
        id,
        profile: first?.profile ?? process.env.STRESS_PROFILE ?? 'smoke',
        seed: first?.seed ?? Number(process.env.STRESS_SEED ?? 0),
        target: first?.target ?? 'reference',
        client: first?.client ?? 'reference',
        browsers: this.config.projects.map(p => ({
          project: p.name,
          source: String(p.metadata?.browserSource ?? 'unknown'),
          executablePath: (p.metadata?.executablePath as string | null | undefined) ?? null,
          version: this.browserVersion(p.name)
        })),
        host: { hostname: os.hostname(), platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryBytes: os.totalmem(), node: process.version },
        gitRevision: gitRevision(),
        startedAt: started.toISOString(),
        durationMs: fullResult.duration
      },
      tests
    }
    fs.mkdirSync(runDir, { recursive: true })
    const baseline = this.compare(summary)
    fs.writeFileSync(path.join(runDir, 'summary.json'), toJson(summary, 2))
    const historyFile = path.join(this.outputDir, 'history.jsonl')
    appendHistory(historyFile, historyLine(summary))
    const reportDir = this.playwrightReportDir()
    const dashboard = path.join(runDir, 'index.html')
    try {
      fs.writeFileSync(dashboard, buildDashboard(summary, {
        baseline,
        history: readHistory(historyFile, historyRuns),
        playwrightReportDir: reportDir === undefined ? undefined : relativeLink(runDir, reportDir)
      }))
      console.log(`syncstorm: dashboard at ${path.relative(process.cwd(), dashboard)}`)
    } catch (error) {
      // summary.json is written already; a bad attachment costs only the dashboard.
      console.log(`syncstorm: no dashboard: ${(error as Error).message}`)
    }
    const latest = path.join(this.outputDir, 'latest')
    fs.rmSync(latest, { force: true, recursive: true })
    fs.symlinkSync(id, latest)
    const counted = (verdict: Verdict): number => tests.filter(t => t.verdict === verdict).length
    // A suite error (the suite could not judge) and invalid (a saturated generator) are neither pass nor fail of the stack: counted apart.
    const suiteErrors = counted('error')
    const invalid = counted('invalid')
    console.log(`syncstorm: ${tests.length} test(s), ${counted('fail')} failed verdict(s)` +
      `${suiteErrors > 0 ? `, ${suiteErrors} suite error(s) (the suite could not judge the stack: see each test's reasons)` : ''}` +
      `${invalid > 0 ? `, ${invalid} invalid (generator saturated: rerun on a quieter or bigger machine)` : ''}` +
      `; summary at ${path.relative(process.cwd(), path.join(latest, 'summary.json'))}`)
    const regressed = summary.regressions?.items.filter(i => i.status === 'fail') ?? []
    for (const r of regressed) console.log(`syncstorm: regression ${r.project} › ${r.title}: ${r.figure} ${r.baseline} → ${r.current} (${r.deltaPct >= 0 ? '+' : ''}${r.deltaPct.toFixed(1)}%)`)
    return regressed.length > 0 ? { status: 'failed' } : undefined
  }

  /**
   * Sets `summary.regressions` against reports/baseline.json of the same
   * profile. A bad baseline file or STRESS_REGRESSION_* variable is reported
   * in one line and skips only the comparison.
   */
  private compare (summary: Summary): ReturnType<typeof readBaseline> {
    try {
      const baseline = readBaseline(path.join(this.outputDir, 'baseline.json'))
      if (baseline === undefined) return undefined
      if (baseline.profile !== summary.run.profile) {
        console.log(`syncstorm: reports/baseline.json is for profile ${baseline.profile}, this run is ${summary.run.profile}; not compared.`)
        return undefined
      }
      summary.regressions = compareWithBaseline(summary, baseline, regressionThresholds(process.env))
      return baseline
    } catch (error) {
      console.log(`syncstorm: no baseline comparison: ${(error as Error).message}`)
      return undefined
    }
  }

  /** The html reporter's folder (option, env, then Playwright's default), when that reporter is configured. */
  private playwrightReportDir (): string | undefined {
    const html = this.config.reporter.find(([name]) => name === 'html')
    if (html === undefined) return undefined
    const options = html[1] as { outputFolder?: string } | undefined
    const folder = options?.outputFolder ?? process.env.PLAYWRIGHT_HTML_OUTPUT_DIR ?? 'playwright-report'
    return path.resolve(this.config.configFile !== undefined ? path.dirname(this.config.configFile) : process.cwd(), folder)
  }

  /** The version a test of that project saw (the swarm fixture annotates it). */
  private browserVersion (project: string): string | null {
    for (const test of this.results.keys()) {
      if (test.parent.project()?.name !== project) continue
      const annotation = test.results.flatMap(r => r.annotations).find(a => a.type === 'browserVersion')
      if (annotation?.description !== undefined) return annotation.description
    }
    return null
  }

  private serializeTest (test: TestCase, result: TestResult, runDir: string): SummaryTest {
    const read = readMetrics(result)
    const metrics = isRecord(read) ? read : undefined
    const trace = result.attachments.find(a => a.name === 'trace' && a.path !== undefined)
    const status = result.status
    const fallback = verdictWithoutRecord(status, read)
    return {
      title: test.title,
      tags: test.tags,
      project: test.parent.project()?.name ?? '',
      status,
      verdict: metrics?.verdict ?? fallback.verdict,
      verdictReasons: metrics?.verdictReasons ?? [
        ...(fallback.reason === undefined ? [] : [fallback.reason]),
        ...(status === 'skipped' ? test.annotations.filter(a => a.type === 'skip').map(a => a.description ?? 'skipped') : result.errors.map(e => (e.message ?? '').split('\n')[0]!))
      ],
      durationMs: result.duration,
      figures: metrics?.figures ?? {},
      notMeasurable: metrics?.notMeasurable ?? {},
      histograms: metrics?.histograms ?? {},
      thresholds: metrics?.thresholds ?? [],
      timeline: metrics?.timeline ?? [],
      testId: test.id,
      ...(trace?.path !== undefined ? { tracePath: relativeLink(runDir, trace.path) } : {}),
      ...(metrics?.series !== undefined ? { series: metrics.series } : {}),
      ...(metrics?.fits !== undefined ? { fits: metrics.fits } : {})
    }
  }
}
