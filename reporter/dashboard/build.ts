/**
 * The self-contained dashboard (DESIGN §7): one HTML file with uPlot's JS and
 * CSS inlined and the chart data inlined as JSON. It fetches nothing and opens
 * from disk (file://). A single page of views, routed by the hash as in
 * Playwright's HTML report: the summary (`#/`, the first screen), one view per
 * scenario (`#/scenario/<slug>`), the baseline, the history and the stacks.
 *
 * @module reporter/dashboard/build
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { Summary } from '../summary.ts'
import type { HistoryLine } from '../history.ts'
import { compareWithBaseline, defaultRegressionThresholds, type Baseline } from '../baseline.ts'
import { jsonForScript, esc } from './html.ts'
import { stacksSection } from './stacks.ts'
import { scenariosOf } from './scenarios.ts'
import { summaryView } from './summary-view.ts'
import { scenarioView } from './scenario-view.ts'
import { environmentSection, historySection, regressionSection, view, type SectionContext } from './sections.ts'

export interface DashboardOptions {
  /** Compared with when `summary.regressions` is absent (default thresholds). */
  baseline?: Baseline
  /** The last runs of history.jsonl, oldest first, for the trend charts. */
  history?: HistoryLine[]
  /** Playwright's HTML report folder relative to the dashboard; no report links without it. */
  playwrightReportDir?: string
}

const require = createRequire(import.meta.url)

/** Read once per process: they do not change while it runs. */
let assets: { uplotJs: string, uplotCss: string, clientJs: string } | undefined
const loadAssets = (): { uplotJs: string, uplotCss: string, clientJs: string } => {
  assets ??= {
    uplotJs: fs.readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    uplotCss: fs.readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    clientJs: fs.readFileSync(fileURLToPath(new URL('./client.js', import.meta.url)), 'utf8')
  }
  return assets
}

/** Inline code must not close its own element early. */
const inlineSafe = (code: string, tag: 'script' | 'style'): string => code.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`)

const css = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1240px;padding:0 16px 48px;color:#1b1f23}
h1{font-size:19px;margin:12px 0 4px}h2{font-size:16px;border-bottom:1px solid #d0d7de;padding-bottom:3px;margin:18px 0 6px}h3{font-size:15px}
nav{padding:6px 0;border-bottom:1px solid #d0d7de}nav a{margin-right:14px}
table{border-collapse:collapse;margin:6px 0;font-size:13px}th,td{border:1px solid #d0d7de;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa}table.num td{font-variant-numeric:tabular-nums}td ul{margin:0;padding-left:16px}td pre{margin:0;font:12px/1.3 ui-monospace,monospace;white-space:pre-wrap}
.badge{display:inline-block;white-space:nowrap;border-radius:3px;padding:0 6px;font-weight:600;font-size:12px;color:#fff}
.v-pass,.r-ok{background:#2da44e}.v-fail,.r-fail{background:#cf222e}.v-invalid{background:#9a6700}.v-error{background:#8250df}.v-not-measurable{background:#6e7781}.r-warn{background:#bf8700}
.tags{color:#57606a;font-size:12px}.bad{color:#cf222e}.ok{color:#1a7f37;margin:4px 0}figure{margin:8px 0}figcaption{font-weight:600;margin-bottom:4px}
.env{margin:2px 0 0;font-size:12px;color:#424a53}.env span{margin-right:12px}.counts{margin:2px 0}
table.matrix td{white-space:nowrap;padding:1px 6px}.k{color:#57606a;font-size:11px}
.chart{min-height:300px;width:100%}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:8px}
.crumbs{margin:8px 0 0}details{margin:4px 0}.uplot .u-legend{font-size:12px}summary{cursor:pointer}code{font-size:12px}`

/**
 * @param {Summary} summary the run (reporter/summary.ts)
 * @param {DashboardOptions} options baseline, history and the Playwright report folder
 * @return {string} one self-contained HTML document
 */
export const buildDashboard = (summary: Summary, options: DashboardOptions = {}): string => {
  const { uplotJs, uplotCss, clientJs } = loadAssets()
  const ctx: SectionContext = {
    summary,
    regressions: summary.regressions ?? (options.baseline !== undefined && options.baseline.profile === summary.run.profile
      ? compareWithBaseline(summary, options.baseline, defaultRegressionThresholds)
      : undefined),
    history: options.history ?? [],
    playwrightReportDir: options.playwrightReportDir,
    charts: []
  }
  const scenarios = scenariosOf(summary.tests)
  const views = [
    view('summary', '/', summaryView(ctx, scenarios) + environmentSection(ctx)),
    ...scenarios.map((s, i) => view(`scenario-${s.slug}`, `/scenario/${s.slug}`, scenarioView(ctx, s, { prev: scenarios[i - 1], next: scenarios[i + 1] }))),
    view('baseline-view', '/baseline', regressionSection(ctx)),
    view('history-view', '/history', historySection(ctx))
  ]
  const stacks = stacksSection(ctx.history)
  if (stacks !== '') views.push(view('stacks-view', '/stacks', stacks))
  const nav = [['/', 'Summary'], ['/baseline', 'Baseline'], ['/history', 'History'], ...(stacks === '' ? [] : [['/stacks', 'Stacks side by side']])]
    .map(([route, label]) => `<a href="#${route}">${label}</a>`).join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>syncstorm ${esc(summary.run.id)}</title>
<style>${inlineSafe(uplotCss, 'style')}</style><style>${css}</style>
</head><body>
<nav>${nav}</nav>
${views.join('\n')}
<script type="application/json" id="dashboard-data">${jsonForScript({ charts: ctx.charts })}</script>
<script>${inlineSafe(uplotJs, 'script')}</script>
<script>${inlineSafe(clientJs, 'script')}</script>
</body></html>
`
}
