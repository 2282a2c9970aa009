/**
 * The dashboard's "OPFS against IndexedDB per browser" section (DESIGN §7).
 * Per browser, each store's histograms (metrics/opfs-figures.ts names) are
 * merged exactly over every test of that browser; the ratios to IndexedDB are
 * computed from the merged percentiles, never averaged. A store a browser
 * cannot run shows its not-measurable capability and reason. Below, the store latency under
 * load (`storePersistMs`) of the scenarios whose replicas used a store.
 *
 * @module reporter/dashboard/opfs-section
 */
import type { NotMeasurable, SummaryTest } from '../summary.ts'
import { benchOps, benchStores, fastestStore, opfsFigure, parseOpfsFigure, ratioToIndexedDb, type BenchCell } from '../../metrics/opfs-figures.ts'
import type { LatencyHistogram } from '../../metrics/histogram.ts'
import { mergeByProject } from './charts.ts'
import { esc, fmtNum, notMeasurableText, table } from './html.ts'
import type { SectionContext } from './sections.ts'

const cellKey = (cell: BenchCell): string => `${cell.items}.${cell.sample}.${cell.op}`

/** Every benchmark cell any test recorded or declared not measurable, by size, sample, then op order. */
const cellsOf = (tests: SummaryTest[]): BenchCell[] => {
  const cells = new Map<string, BenchCell>()
  for (const test of tests) {
    for (const name of [...Object.keys(test.histograms), ...Object.keys(test.notMeasurable)]) {
      const parsed = parseOpfsFigure(name)
      if (parsed !== undefined && parsed.ratio === undefined) cells.set(cellKey(parsed.cell), parsed.cell)
    }
  }
  return [...cells.values()].sort((a, b) => a.items - b.items || a.sample.localeCompare(b.sample) || benchOps.indexOf(a.op) - benchOps.indexOf(b.op))
}

const distCell = (h: LatencyHistogram | undefined, why: NotMeasurable | undefined): string =>
  h !== undefined ? `${fmtNum(h.percentile(50))} / ${fmtNum(h.percentile(95))} ms <span class="tags">n=${fmtNum(h.count)}</span>`
    : why !== undefined ? `<span class="bad">${esc(notMeasurableText(why))}</span>` : '—'

const ratioCell = (store: LatencyHistogram | undefined, indexedDb: LatencyHistogram | undefined): string =>
  [50, 95].map(p => {
    const r = ratioToIndexedDb(store, indexedDb, p)
    return 'ratio' in r ? `×${fmtNum(r.ratio)}` : '—'
  }).join(' / ')

const sampleLabel = (cell: BenchCell): string =>
  cell.op === 'list' ? `list() of ${cell.items} keys`
    : cell.op === 'restore' ? `reopen, list, read all ${cell.items}`
      : cell.op === 'compact' ? `compact ${cell.items} live keys`
        : cell.sample === 'batch' ? `one call with all ${cell.items}` : 'one single-item call'

/**
 * @param {SectionContext} ctx the tests of one scenario (never merged across scenarios)
 * @param {string} id the section's element id
 * @return {string} the section, or '' when no test ran the benchmark or used a store
 */
export const opfsSection = (ctx: SectionContext, id = 'opfs'): string => {
  const { tests } = ctx.summary
  const cells = cellsOf(tests)
  const projects = [...new Set(tests.map(t => t.project))]
  const winners: string[] = []
  const blocks = projects.flatMap(project => {
    const mine = tests.filter(t => t.project === project)
    const merged = (name: string): LatencyHistogram | undefined => mergeByProject(mine, name).get(project)
    const reason = (name: string): NotMeasurable | undefined => mine.find(t => t.notMeasurable[name] !== undefined)?.notMeasurable[name]
    // Only the stores this browser's runs measured or declared (sdk only for an adapter with openBenchStore).
    const stores = benchStores.filter(store => cells.some(cell => merged(opfsFigure(store, cell)) !== undefined || reason(opfsFigure(store, cell)) !== undefined))
    const others = stores.filter(store => store !== 'indexeddb')
    const measured = cells.map(cell => ({ op: cell.op, byStore: new Map(stores.map(store => [store, merged(opfsFigure(store, cell))])) }))
    const rows = cells.flatMap((cell, i) => {
      const { byStore } = measured[i]!
      if ([...byStore.values()].every(h => h === undefined) && stores.every(store => reason(opfsFigure(store, cell)) === undefined)) return []
      return [[
        esc(cell.op), fmtNum(cell.items), esc(sampleLabel(cell)),
        ...stores.map(store => distCell(byStore.get(store), reason(opfsFigure(store, cell)))),
        ...others.map(store => ratioCell(byStore.get(store), byStore.get('indexeddb')))
      ]]
    })
    const won = fastestStore(measured)
    if (won !== undefined) winners.push(`${project}: ${won.store} (lowest p50 in ${won.won} of ${won.of} cells)`)
    return rows.length === 0 ? [] : [`<h3>${esc(project)}</h3>` + table(
      ['op', 'items', 'one sample is', ...stores.map(s => `${s} p50 / p95`), ...others.map(s => `${s} ÷ IndexedDB p50 / p95`)], rows, 'num')]
  })
  const persist = mergeByProject(tests, 'storePersistMs')
  const underLoad = persist.size === 0 ? '' : '<h3>Store latency under load (<code>storePersistMs</code>: one append of one update, per replica)</h3>' +
    table(['browser', 'samples', 'p50', 'p95', 'p99', 'max'], [...persist].map(([p, h]) => {
      const s = h.summary()
      return [esc(p), fmtNum(s.count), ...[s.p50, s.p95, s.p99, s.max].map(v => `${fmtNum(v)} ms`)]
    }), 'num')
  if (blocks.length === 0 && underLoad === '') return ''
  const legend = (winners.length > 0 ? `<p><b>Fastest layout</b>: ${esc(winners.join('; '))}.</p>` : '') +
    '<p>Histograms merged exactly over every test of the browser. A ratio above 1 means slower than IndexedDB. Layouts: opfs-main and opfs-worker write a file per key (main thread, worker); opfs-log appends to one checksummed log in a worker; sdk is the client\'s own store.</p>'
  return `<section id="${id}"><h2>${esc('OPFS against IndexedDB per browser')}</h2>${blocks.length > 0 ? legend + blocks.join('') : ''}${underLoad}</section>`
}
