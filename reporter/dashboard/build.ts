/**
 * The self-contained dashboard (DESIGN §7): one HTML file with uPlot's JS and
 * CSS inlined and the chart data inlined as JSON. It fetches nothing and opens
 * from disk (file://).
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
import {
  browserSection, convergenceSection, detailSection, environmentSection, headerSection, heapSection, historySection,
  latencySection, opfsSection, otherSeriesSection, regressionSection, serverSection, verdictSection, type SectionContext
} from './sections.ts'

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
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:0 16px 48px;color:#1b1f23}
h1{font-size:20px;margin:16px 0 4px}h2{font-size:17px;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:28px}h3{font-size:15px}
nav a{margin-right:10px}table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #d0d7de;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f6f8fa}table.num td{font-variant-numeric:tabular-nums}td ul{margin:0;padding-left:16px}
.badge{display:inline-block;white-space:nowrap;border-radius:3px;padding:0 6px;font-weight:600;font-size:12px;color:#fff}
.v-pass,.r-ok{background:#2da44e}.v-fail,.r-fail{background:#cf222e}.v-invalid{background:#9a6700}.v-error{background:#8250df}.v-not-measurable{background:#6e7781}.r-warn{background:#bf8700}
.tags{color:#57606a;font-size:12px}.bad{color:#cf222e}figure{margin:8px 0}figcaption{font-weight:600;margin-bottom:4px}
.chart{min-height:300px;width:100%}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:8px}
details{margin:4px 0}.uplot .u-legend{font-size:12px}summary{cursor:pointer}code{font-size:12px}`

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
  const sections = [
    verdictSection, regressionSection, latencySection, convergenceSection, browserSection, heapSection,
    serverSection, otherSeriesSection, opfsSection, historySection, (c: SectionContext) => stacksSection(c.history), detailSection, environmentSection
  ].map(s => s(ctx)).filter(s => s !== '')
  const nav = sections.map(s => /<section id="([^"]+)"><h2>([^<]*)<\/h2>/.exec(s)).flatMap(m => m === null ? [] : [`<a href="#${m[1]}">${m[2]}</a>`]).join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>syncstorm ${esc(summary.run.id)}</title>
<style>${inlineSafe(uplotCss, 'style')}</style><style>${css}</style>
</head><body>
${headerSection(ctx)}<nav>${nav}</nav>
${sections.join('\n')}
<script type="application/json" id="dashboard-data">${jsonForScript({ charts: ctx.charts })}</script>
<script>${inlineSafe(uplotJs, 'script')}</script>
<script>${inlineSafe(clientJs, 'script')}</script>
</body></html>
`
}
