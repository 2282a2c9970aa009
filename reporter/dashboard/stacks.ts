/**
 * Stacks side by side: for every scenario, the latest result of each
 * (client, target) pair in reports/history.jsonl, its headline figures in one
 * column per stack — e.g. the y-websocket provider against the reference
 * server and against the official server. A figure a stack could not measure
 * shows as "n/m"; a column whose test was not a pass carries its verdict, so
 * a saturated generator's numbers never read as clean ones. Appears once the
 * history holds two or more stacks.
 *
 * @module reporter/dashboard/stacks
 */
import type { HistoryLine } from '../history.ts'
import type { HeadlineTest } from '../baseline.ts'
import { esc, fmtFigure, table } from './html.ts'

/** The figures compared, in this order; others stay in the per-test details. */
const compared = ['propagationMs.p50', 'propagationMs.p95', 'propagationMs.p99', 'ackMs.p95', 'convergenceMs', 'opSuccessRate', 'lostOps', 'phantomOps', 'divergentReplicas']

/** @return {string} `client @ target`; lines written before stacks were recorded count as the reference stack */
export const stackOf = (line: HistoryLine): string => `${line.client ?? 'reference'} @ ${line.target ?? 'reference'}`

/**
 * @param {HistoryLine[]} history oldest first
 * @return {string} the section's HTML, or '' with fewer than two stacks
 */
export const stacksSection = (history: HistoryLine[]): string => {
  /** scenario key -> stack -> latest test */
  const latest = new Map<string, Map<string, HeadlineTest>>()
  for (const line of history) {
    for (const test of line.tests) {
      const key = `${test.title} [${test.project}]`
      const byStack = latest.get(key) ?? new Map<string, HeadlineTest>()
      byStack.set(stackOf(line), test)
      latest.set(key, byStack)
    }
  }
  const stacks = [...new Set([...latest.values()].flatMap(byStack => [...byStack.keys()]))]
  if (stacks.length < 2) return ''
  const rows = [...latest.keys()].sort().flatMap(key => {
    const byStack = latest.get(key) as Map<string, HeadlineTest>
    if (byStack.size < 2) return []
    const tests = stacks.map(stack => byStack.get(stack))
    const verdicts = [esc(key), 'verdict', ...tests.map(t => t === undefined ? '—' : esc(t.verdict ?? '—'))]
    return [verdicts, ...compared
      .filter(figure => tests.some(t => t?.figures[figure] !== undefined))
      .map(figure => [esc(key), `<code>${esc(figure)}</code>`, ...tests.map(t => t === undefined ? '—' : t.figures[figure] === undefined ? 'n/m' : esc(fmtFigure(figure, t.figures[figure])))])]
  })
  if (rows.length === 0) return ''
  return `<section id="stacks"><h2>Stacks side by side</h2><p>Latest result per scenario of each client @ target in reports/history.jsonl.</p>${table(['scenario', 'figure', ...stacks.map(esc)], rows, 'num')}</section>`
}
