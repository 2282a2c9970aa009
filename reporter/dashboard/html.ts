/**
 * HTML text helpers of the dashboard: escaping and number formatting. Every
 * string from a test (titles, reasons, figure names) goes through `esc`.
 * Figures are formatted by their registered unit (metrics/registry.ts), and
 * Infinity reads "never" everywhere.
 *
 * @module reporter/dashboard/html
 */
import { figureSpec, type FigureSpec } from '../../metrics/registry.ts'
import type { NotMeasurable } from '../summary.ts'

/** How +Infinity (a figure that never happened: never recovered, never detected) reads. */
const never = 'never'

/** @return {string} `text` safe inside HTML text and double-quoted attributes */
export const esc = (text: unknown): string =>
  String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)

/** @return {string} JSON safe inside `<script type="application/json">` (no `</script>`, no `<!--`) */
export const jsonForScript = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')

/** @return {string} a number with at most 3 significant decimals, `never` for Infinity, `—` for null */
export const fmtNum = (n: number | null | undefined): string => {
  if (n === Number.POSITIVE_INFINITY) return never
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  if (Number.isInteger(n)) return n.toLocaleString('en-US')
  const abs = Math.abs(n)
  return abs >= 100 ? n.toFixed(1) : abs >= 1 ? n.toFixed(2) : String(Number(n.toPrecision(3)))
}

/** @return {string} bytes as KiB/MiB/GiB, `never` for Infinity */
export const fmtBytes = (n: number | null | undefined): string => {
  if (n === Number.POSITIVE_INFINITY) return never
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = Math.abs(n)
  let i = 0
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return `${n < 0 ? '−' : ''}${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

type Unit = FigureSpec['unit']

/** @return {string} the figure of a threshold key: `ackMs{browser:webkit}` → `ackMs` */
export const withoutTagFilter = (key: string): string => key.replace(/\{[^{}]*\}$/, '')

/**
 * @param {string} label a figure name, a headline key (`propagationMs.p95`) or a threshold key (`ackMs{browser:webkit}`)
 * @return {FigureSpec | undefined} the registered figure it stands for; undefined when unregistered
 */
export const labelSpec = (label: string): FigureSpec | undefined => {
  const name = withoutTagFilter(label)
  return figureSpec(name) ?? figureSpec(name.replace(/\.(p50|p95|p99)$/, ''))
}

/** The unit of a name the registry does not know (runs from before it), guessed from the name. */
const guessedUnit = (name: string): Unit =>
  /Bytes/.test(name) ? 'bytes' : /Ms(\.|$|Max|Mean|Per)/.test(name) ? 'ms' : 'count'

/** @return {string} a finite `n` in `unit`: "12.30 ms", "1.5 KiB/min", "2.0 KiB/op", "12.50%", "0.98", "40/s" */
export const fmtUnit = (unit: Unit, n: number): string => {
  switch (unit) {
    case 'ms': return `${fmtNum(n)} ms`
    case 'bytes': return fmtBytes(n)
    case 'bytes/min': return `${fmtBytes(n)}/min`
    case 'bytes/op': return `${fmtBytes(n)}/op`
    case 'percent': return `${fmtNum(n)}%`
    case 'per-second': return `${fmtNum(n)}/s`
    case 'count': case 'ratio': return fmtNum(n)
  }
}

/**
 * @param {string} label a figure name, headline key or threshold key (see labelSpec)
 * @param {number | null | undefined} n its value
 * @return {string} `n` in the figure's registered unit; `never` for Infinity, `—` for no value
 */
export const fmtFigure = (label: string, n: number | null | undefined): string =>
  n === null || n === undefined || Number.isNaN(n) ? '—'
    : n === Number.POSITIVE_INFINITY ? never
      : fmtUnit(labelSpec(label)?.unit ?? guessedUnit(label), n)

/**
 * @param {{ capability?: string, reason: string }} why the capability, when known, and the reason
 * @return {string} e.g. "not measurable (acks): client y-websocket has no durable-write acks" (plain text: escape it)
 */
export const notMeasurableText = ({ capability, reason }: { capability?: NotMeasurable['capability'], reason: string }): string =>
  `not measurable${capability === undefined ? '' : ` (${capability})`}: ${reason}`

/** @return {string} a table with escaped header cells and raw (already escaped) body cells */
export const table = (head: string[], rows: string[][], className = ''): string =>
  `<table${className === '' ? '' : ` class="${className}"`}><thead><tr>${head.map(h => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map(r => `<tr>${r.map(c => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`
