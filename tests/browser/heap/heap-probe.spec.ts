/**
 * The CDP heap probe (fixtures/support/page-heap.ts) on a real Chromium
 * page: a post-GC heap figure, DOM counts, its worker's heap reported
 * separately, and a snapshot DevTools can open; a passive sample forces no
 * GC. Firefox and WebKit have no CDP.
 */
import { test, expect } from '../../../fixtures/base.ts'
import { PageHeapProbe } from '../../../fixtures/support/page-heap.ts'

test('the probe samples a page and, separately, its growing worker', async ({ page, browserName }) => {
  test.skip(browserName !== 'chromium', 'heap sampling needs the Chrome DevTools Protocol')
  await page.setContent('<ul><li>a</li><li>b</li></ul>')
  const probe = await PageHeapProbe.open(page)
  try {
    const before = await probe.sample({ gc: true })
    expect(before.heapBytes).toBeGreaterThan(0)
    expect(before.domNodes).toBeGreaterThan(3)
    expect(before.workerHeapBytes).toBeUndefined()
    // A worker that keeps 1,000 numbers every 10 ms: its heap grows, the page's does not.
    await page.evaluate(() => {
      const source = 'const kept = []; setInterval(() => kept.push(new Array(1000).fill(Math.random())), 10)'
      ;(window as unknown as { worker: Worker }).worker = new Worker(URL.createObjectURL(new Blob([source])))
    })
    await expect.poll(async () => (await probe.sample({ gc: true })).workerHeapBytes, { timeout: 10_000 }).toBeGreaterThan(0)
    const first = (await probe.sample({ gc: true })).workerHeapBytes!
    await page.waitForTimeout(500)
    expect((await probe.sample({ gc: true })).workerHeapBytes!).toBeGreaterThan(first)
    const snapshot = JSON.parse(await probe.snapshot()) as { snapshot: { meta: { node_fields: string[] } } }
    expect(snapshot.snapshot.meta.node_fields).toContain('self_size')
  } finally {
    await probe.close()
  }
})

test('a passive sample forces no GC: garbage is still counted until a GC sample collects it', async ({ page, browserName }) => {
  test.skip(browserName !== 'chromium', 'heap sampling needs the Chrome DevTools Protocol')
  await page.setContent('<p>heap</p>')
  const probe = await PageHeapProbe.open(page)
  try {
    // 40 MB in one array (large-object space): only a full GC frees it once it is unreachable.
    await page.evaluate(() => {
      const holder = window as unknown as { junk?: number[] }
      holder.junk = new Array(5_000_000).fill(1.5)
      delete holder.junk
    })
    const passive = await probe.sample({ gc: false })
    const collected = await probe.sample({ gc: true })
    expect(passive.heapBytes - collected.heapBytes, `passive ${passive.heapBytes} B, after a GC ${collected.heapBytes} B`).toBeGreaterThan(20_000_000)
    // A passive sample leaves the Performance domain off: it instruments every task of the page.
    expect(passive.domNodes).toBeUndefined()
    expect(collected.domNodes).toBeGreaterThan(3)
  } finally {
    await probe.close()
  }
})
