/**
 * The store benchmark of DESIGN §4 (OPFS latency), printed, never asserted:
 * per browser, 10 / 100 / 1000 items × STORE_BENCH_ITERATIONS rounds per store;
 * p50/p95 per operation and the p50 ratio to IndexedDB. Slow, so it runs only
 * with STORE_BENCH=1. STORE_BENCH_ITERATIONS is one count (default 100) or
 * per item count, e.g. `10:100,100:20,1000:5` (Firefox OPFS needs ~20 ms a file).
 */
import { test } from './probe-fixture.ts'
import type { StoreBenchResult } from '../../../client/harness/api.ts'

const stores = ['opfs-main', 'opfs-worker', 'opfs-log', 'indexeddb'] as const
const itemCounts = [10, 100, 1000]
const ops = ['write', 'read', 'list', 'delete'] as const

/** Nearest-rank percentile of raw samples. */
const percentile = (samples: number[], p: number): number => {
  if (samples.length === 0) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!
}

const formatTable = (browserName: string, results: StoreBenchResult[]): string => {
  const lines = [`store benchmark, ${browserName}: ms per batch, p50 / p95 (p50 ratio to indexeddb)`]
  lines.push(['store', 'items', ...ops].map(cell => cell.padEnd(26)).join(''))
  for (const result of results) {
    if (result.error !== undefined) {
      lines.push(`${result.store.padEnd(26)}${String(result.items).padEnd(26)}error: ${result.error}`)
      continue
    }
    const baseline = results.find(r => r.store === 'indexeddb' && r.items === result.items)
    const cells = ops.map(op => {
      const p50 = percentile(result.samplesMs[op], 0.5)
      const ratio = baseline === undefined ? NaN : p50 / percentile(baseline.samplesMs[op], 0.5)
      // A page that is not cross-origin isolated gets 1 ms timers in Firefox, so a baseline p50 can be 0: no ratio then.
      return `${p50.toFixed(2)} / ${percentile(result.samplesMs[op], 0.95).toFixed(2)} (${Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : 'n/a'})`
    })
    lines.push([result.store, String(result.items), ...cells].map(cell => cell.padEnd(26)).join(''))
  }
  return lines.join('\n')
}

/** `100` or `10:100,100:20,1000:5` -> rounds per item count; throws one sentence on bad input. */
const parseIterations = (text: string): ((items: number) => number) => {
  const fail = (): never => { throw new Error(`STORE_BENCH_ITERATIONS="${text}" is invalid: give a positive count, or pairs like 10:100,100:20,1000:5.`) }
  if (/^\d+$/.test(text)) return () => Number(text) || fail()
  const pairs = new Map(text.split(',').map(pair => {
    const match = /^(\d+):(\d+)$/.exec(pair.trim()) ?? fail()
    return [Number(match[1]), Number(match[2]) || fail()] as const
  }))
  return items => pairs.get(items) ?? 100
}

test('store benchmark (printed, not asserted)', async ({ probePage, browserName }, testInfo) => {
  test.skip(process.env.STORE_BENCH !== '1', 'the benchmark is slow: run it with STORE_BENCH=1')
  const iterationsFor = parseIterations(process.env.STORE_BENCH_ITERATIONS ?? '100')
  test.setTimeout(60 * 60_000)
  const results: StoreBenchResult[] = []
  for (const items of itemCounts) {
    const iterations = iterationsFor(items)
    for (const store of stores) {
      const started = Date.now()
      results.push(await probePage.evaluate(options => window.storeProbe.bench(options), { store, items, itemBytes: 1024, iterations }))
      console.log(`${browserName} ${store} ${items} items × ${iterations}: ${((Date.now() - started) / 1000).toFixed(1)} s`)
    }
  }
  const table = formatTable(browserName, results)
  console.log(table)
  await testInfo.attach(`store-bench-${browserName}.json`, { body: JSON.stringify(results), contentType: 'application/json' })
  await testInfo.attach(`store-bench-${browserName}.txt`, { body: table, contentType: 'text/plain' })
})
