/**
 * HTML text helpers of the dashboard: escaping and number formatting. Every
 * string from a test (titles, reasons, figure names) goes through `esc`.
 *
 * @module reporter/dashboard/html
 */

/** @return {string} `text` safe inside HTML text and double-quoted attributes */
export const esc = (text: unknown): string =>
  String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)

/** @return {string} JSON safe inside `<script type="application/json">` (no `</script>`, no `<!--`) */
export const jsonForScript = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')

/** @return {string} a number with at most 3 significant decimals, `—` for null */
export const fmtNum = (n: number | null | undefined): string => {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  if (Number.isInteger(n)) return n.toLocaleString('en-US')
  const abs = Math.abs(n)
  return abs >= 100 ? n.toFixed(1) : abs >= 1 ? n.toFixed(2) : String(Number(n.toPrecision(3)))
}

/** @return {string} bytes as KiB/MiB/GiB */
export const fmtBytes = (n: number | null | undefined): string => {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = Math.abs(n)
  let i = 0
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return `${n < 0 ? '−' : ''}${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

/** @return {string} a figure value in its unit, guessed from its name */
export const fmtFigure = (name: string, n: number | null | undefined): string =>
  /Bytes/.test(name) ? fmtBytes(n) : /Ms(\.|$|Max|Mean|Per)/.test(name) && n !== null && n !== undefined ? `${fmtNum(n)} ms` : fmtNum(n)

/** @return {string} a table with escaped header cells and raw (already escaped) body cells */
export const table = (head: string[], rows: string[][], className = ''): string =>
  `<table${className === '' ? '' : ` class="${className}"`}><thead><tr>${head.map(h => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map(r => `<tr>${r.map(c => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`
