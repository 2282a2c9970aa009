/**
 * The syncstorm reporter. It reads the metrics.json each test attached (it
 * never measures again), and writes `reports/<run-id>/summary.json`, pointing
 * `reports/latest` at that folder. Thin by design: collect in onTestEnd,
 * write in onEnd.
 *
 * Options (env, then reporter options, then default): STRESS_REPORTS_DIR / `outputDir` (reports).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import type { FullConfig, Reporter, Suite, TestCase, TestResult, FullResult } from '@playwright/test/reporter'
import { testMetricsSchema, type TestMetrics } from '../metrics/test-metrics.ts'
import type { Summary, SummaryTest } from './summary.ts'

interface ReporterOptions { outputDir?: string }

const gitRevision = (): string | null => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()
  } catch {
    return null
  }
}

const readMetrics = (result: TestResult): TestMetrics | undefined => {
  const attachment = [...result.attachments].reverse().find(a => a.name === 'metrics.json')
  if (attachment === undefined) return undefined
  const body = attachment.body ?? (attachment.path !== undefined ? fs.readFileSync(attachment.path) : undefined)
  if (body === undefined) return undefined
  const parsed = testMetricsSchema.safeParse(JSON.parse(body.toString()))
  return parsed.success ? parsed.data : undefined
}

export default class SyncstormReporter implements Reporter {
  private config!: FullConfig
  private readonly started = new Date()
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

  async onEnd (_result: FullResult): Promise<void> {
    const tests = [...this.results.entries()].map(([test, result]) => this.serializeTest(test, result))
    const first = tests.length > 0 ? [...this.results.values()].map(readMetrics).find(m => m !== undefined) : undefined
    const id = `${this.started.toISOString().replace(/[:.]/g, '-')}-${process.pid}`
    const summary: Summary = {
      version: 1,
      run: {
        id,
        profile: first?.profile ?? process.env.STRESS_PROFILE ?? 'smoke',
        seed: first?.seed ?? Number(process.env.STRESS_SEED ?? 0),
        target: first?.target ?? 'reference',
        client: first?.client ?? 'reference',
        browsers: this.config.projects.map(p => ({ project: p.name, source: String(p.metadata?.browserSource ?? 'unknown'), executablePath: (p.metadata?.executablePath as string | null | undefined) ?? null })),
        host: { hostname: os.hostname(), platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryBytes: os.totalmem(), node: process.version },
        gitRevision: gitRevision(),
        startedAt: this.started.toISOString(),
        durationMs: Date.now() - this.started.getTime()
      },
      tests
    }
    const runDir = path.join(this.outputDir, id)
    fs.mkdirSync(runDir, { recursive: true })
    fs.writeFileSync(path.join(runDir, 'summary.json'), JSON.stringify(summary, null, 2))
    const latest = path.join(this.outputDir, 'latest')
    fs.rmSync(latest, { force: true, recursive: true })
    fs.symlinkSync(id, latest)
    const failed = tests.filter(t => t.verdict === 'fail').length
    console.log(`syncstorm: ${tests.length} test(s), ${failed} failed verdict(s); summary at ${path.relative(process.cwd(), path.join(latest, 'summary.json'))}`)
  }

  private serializeTest (test: TestCase, result: TestResult): SummaryTest {
    const metrics = readMetrics(result)
    const status = result.status
    const verdict = metrics?.verdict ?? (status === 'passed' ? 'pass' : status === 'skipped' ? 'not-measurable' : 'fail')
    return {
      title: test.title,
      tags: test.tags,
      project: test.parent.project()?.name ?? '',
      status,
      verdict,
      verdictReasons: metrics?.verdictReasons ?? (status === 'skipped' ? test.annotations.filter(a => a.type === 'skip').map(a => a.description ?? 'skipped') : result.errors.map(e => (e.message ?? '').split('\n')[0])),
      durationMs: result.duration,
      figures: metrics?.figures ?? {},
      notMeasurable: metrics?.notMeasurable ?? {},
      histograms: metrics?.histograms ?? {},
      thresholds: metrics?.thresholds ?? [],
      timeline: metrics?.timeline ?? []
    }
  }
}
