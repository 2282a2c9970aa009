/**
 * The CDP heap probe (fixtures/page-heap.ts) on a real Chromium page: a
 * post-GC heap figure, DOM counts, its worker's heap reported separately, and
 * a snapshot DevTools can open. Firefox and WebKit have no CDP.
 */
import { test, expect } from '../../../fixtures/base.ts'
import { PageHeapProbe } from '../../../fixtures/page-heap.ts'

test('the probe samples a page and, separately, its growing worker', async ({ page, browserName }) => {
  test.skip(browserName !== 'chromium', 'heap sampling needs the Chrome DevTools Protocol')
  await page.setContent('<ul><li>a</li><li>b</li></ul>')
  const probe = await PageHeapProbe.open(page)
  try {
    const before = await probe.sample()
    expect(before.heapBytes).toBeGreaterThan(0)
    expect(before.domNodes).toBeGreaterThan(3)
    expect(before.workerHeapBytes).toBeUndefined()
    // A worker that keeps 1,000 numbers every 10 ms: its heap grows, the page's does not.
    await page.evaluate(() => {
      const source = 'const kept = []; setInterval(() => kept.push(new Array(1000).fill(Math.random())), 10)'
      ;(window as unknown as { worker: Worker }).worker = new Worker(URL.createObjectURL(new Blob([source])))
    })
    await expect.poll(async () => (await probe.sample()).workerHeapBytes, { timeout: 10_000 }).toBeGreaterThan(0)
    const first = (await probe.sample()).workerHeapBytes!
    await page.waitForTimeout(500)
    expect((await probe.sample()).workerHeapBytes!).toBeGreaterThan(first)
    const snapshot = JSON.parse(await probe.snapshot()) as { snapshot: { meta: { node_fields: string[] } } }
    expect(snapshot.snapshot.meta.node_fields).toContain('self_size')
  } finally {
    await probe.close()
  }
})
