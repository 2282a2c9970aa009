/**
 * Reference client benchmark (`npm run bench:client`). Per browser: K contexts,
 * one harness page each, C replicas per page, all on one document of the
 * reference server. Prints figures; asserts nothing (timings here are noisy).
 *
 *   memory per replica   browser process-tree RSS delta / replicas (Linux /proc;
 *                        sums shared pages, so read it as an upper bound) and,
 *                        on Chromium, JS heap delta after GC over CDP
 *   connect / first sync connecting -> open and connecting -> synced, per replica
 *   ops/s of one page    writes applied by one page's replicas, locally and acked
 *
 * Settings (env): BENCH_BROWSERS=chromium,firefox BENCH_CONTEXTS=3
 * BENCH_REPLICAS_PER_PAGE=10 BENCH_OPS=2000
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import { chromium, firefox, type Browser, type Page } from 'playwright'
import { resolveBrowser, chromiumArgs } from '../browsers/projects.ts'
import { serveHarness, type HarnessServer } from '../client/harness/serve.ts'
import { spawnServer } from '../server/spawn.ts'

const settingsSchema = z.object({
  BENCH_BROWSERS: z.string().default('chromium,firefox').transform(s => s.split(',').map(b => z.enum(['chromium', 'firefox']).parse(b.trim()))),
  BENCH_CONTEXTS: z.coerce.number().int().min(1).max(50).default(3),
  BENCH_REPLICAS_PER_PAGE: z.coerce.number().int().min(1).max(500).default(10),
  BENCH_OPS: z.coerce.number().int().min(1).max(100_000).default(2_000)
})
const settings = settingsSchema.parse(process.env)

/** RSS in bytes of every descendant of `root`, except the subtrees of `exclude`. */
const treeRssBytes = async (root: number, exclude: number[]): Promise<number> => {
  const parentOf = new Map<number, number>()
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8')
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // the process ended meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parentOf.get(p) ?? 0, hops++) {
      if (exclude.includes(p)) return false
      if (parentOf.get(p) === root) return true
    }
    return false
  }
  let total = 0
  for (const pid of parentOf.keys()) {
    if (!inTree(pid)) continue
    try {
      const status = await fs.readFile(`/proc/${pid}/status`, 'utf8')
      total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024
    } catch {
      // the process ended meanwhile
    }
  }
  return total
}

const chromiumHeapBytes = async (page: Page): Promise<number> => {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('HeapProfiler.collectGarbage')
    return (await cdp.send('Runtime.getHeapUsage')).usedSize
  } finally {
    await cdp.detach()
  }
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN
}

const launch = async (name: 'chromium' | 'firefox'): Promise<Browser> => {
  const resolved = resolveBrowser(name)
  if (resolved.source === 'missing') throw new Error(`${name} is not installed: set STRESS_${name.toUpperCase()}_PATH or run \`npx playwright install ${name}\`.`)
  const common = { executablePath: resolved.executablePath, channel: resolved.channel }
  return name === 'chromium' ? chromium.launch({ ...common, args: chromiumArgs }) : firefox.launch(common)
}

const settle = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

const benchBrowser = async (name: 'chromium' | 'firefox', harness: HarnessServer, url: string, serverPid: number): Promise<void> => {
  const { BENCH_CONTEXTS: contextsCount, BENCH_REPLICAS_PER_PAGE: perPage, BENCH_OPS: opsCount } = settings
  const browser = await launch(name)
  try {
    const pages: Page[] = []
    for (let k = 0; k < contextsCount; k++) {
      const page = await (await browser.newContext()).newPage()
      await page.goto(harness.harnessUrl)
      await page.waitForFunction(() => document.title === 'syncstorm harness ready')
      pages.push(page)
    }
    await settle(1_000)
    const rssBefore = await treeRssBytes(process.pid, [serverPid])
    const heapBefore = name === 'chromium' ? await Promise.all(pages.map(chromiumHeapBytes)) : []
    const docName = `bench-${name}-${Date.now()}`
    const ids = (k: number): string[] => Array.from({ length: perPage }, (_, c) => `${name}-k${k}-c${c}`)
    await Promise.all(pages.map((page, k) => page.evaluate(async ({ ids, url, docName }) => {
      await Promise.all(ids.map(replicaId => window.syncstorm.connect({ replicaId, url, docName })))
      await Promise.all(ids.map(replicaId => window.syncstorm.waitSynced(replicaId, 60_000)))
    }, { ids: ids(k), url, docName })))
    // No named helpers inside page functions: tsx would wrap them in a `__name` the page lacks.
    const events = (await Promise.all(pages.map((page, k) => page.evaluate(async ids =>
      Promise.all(ids.map(async id => (await window.syncstorm.stats(id)).connection)), ids(k))))).flat()
    const at = (connection: typeof events[number], state: string): number => connection.find(e => e.state === state)?.t ?? NaN
    const timings = events.map(connection => ({ openMs: at(connection, 'open') - at(connection, 'connecting'), syncedMs: at(connection, 'synced') - at(connection, 'connecting') }))
    await settle(1_000)
    const rssAfter = await treeRssBytes(process.pid, [serverPid])
    const heapAfter = name === 'chromium' ? await Promise.all(pages.map(chromiumHeapBytes)) : []
    const replicas = contextsCount * perPage

    // Throughput: one page's replicas write round-robin; every other replica receives.
    const throughput = await pages[0].evaluate(async ({ ids, opsCount }) => {
      const started = performance.now()
      for (let i = 0; i < opsCount; i++) {
        const replicaId = ids[i % ids.length]
        await window.syncstorm.apply(replicaId, [{ kind: 'create', opId: `${replicaId}:${i}`, todoId: `t${i}`, title: `todo ${i}` }])
      }
      const applied = performance.now()
      await Promise.all(ids.map(id => window.syncstorm.waitAcked(id, 120_000)))
      const acked = performance.now()
      return { localOpsPerS: opsCount / ((applied - started) / 1000), ackedOpsPerS: opsCount / ((acked - started) / 1000) }
    }, { ids: ids(0), opsCount })

    const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(2)
    const heapDelta = heapAfter.reduce((sum, v, i) => sum + v - heapBefore[i], 0)
    console.log(`\n${name} (${browser.version()}): ${contextsCount} contexts x ${perPage} replicas/page = ${replicas} replicas`)
    console.log(`  memory per replica: RSS delta ${mb((rssAfter - rssBefore) / replicas)} MiB (tree ${mb(rssBefore)} -> ${mb(rssAfter)} MiB)` +
      (name === 'chromium' ? `, JS heap after GC ${(heapDelta / replicas / 1024).toFixed(1)} KiB` : ', JS heap: not measurable (no CDP)'))
    console.log(`  connect (to open):  p50 ${percentile(timings.map(t => t.openMs), 0.5).toFixed(1)} ms, max ${Math.max(...timings.map(t => t.openMs)).toFixed(1)} ms`)
    console.log(`  first sync:         p50 ${percentile(timings.map(t => t.syncedMs), 0.5).toFixed(1)} ms, max ${Math.max(...timings.map(t => t.syncedMs)).toFixed(1)} ms`)
    console.log(`  one page, ${opsCount} writes over ${perPage} replicas: ${throughput.localOpsPerS.toFixed(0)} ops/s applied, ${throughput.ackedOpsPerS.toFixed(0)} ops/s acked`)
    await Promise.all(pages.map(page => page.evaluate(() => window.syncstorm.closeAll())))
  } finally {
    await browser.close()
  }
}

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'syncstorm-client-bench-'))
const server = await spawnServer({ dataDir })
const harness = await serveHarness()
try {
  console.log(`client bench: host ${os.cpus().length} cores, node ${process.version}, server ${server.url}`)
  for (const name of settings.BENCH_BROWSERS) await benchBrowser(name, harness, server.url, server.pid)
} finally {
  await harness.close()
  await server.stop()
  await fs.rm(dataDir, { recursive: true, force: true })
}
