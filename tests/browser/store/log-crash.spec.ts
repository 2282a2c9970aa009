/**
 * opfs-log crash safety, shown: a page appends batches to one namespace (and
 * compacts now and then) and is killed mid-write, again and again at different
 * points; each time the next page must restore a prefix of what was written,
 * at least everything acknowledged before the kill, with every value intact.
 *
 * Chromium kills the renderer (CDP `Page.crash`), workers and all. Firefox has
 * no CDP: its page is closed under the writer. Not the context: closing a
 * Playwright context throws its storage away, so nothing would be left to restore.
 */
import { test, expect, openProbe } from './probe-fixture.ts'

const runs = 12
const batch = 8
const compactEvery = 40
/** Bounds each writer: it stops on its own if the kill never comes. */
const maxBatches = 2_000

test('opfs-log: a page killed mid-write restores a prefix of its writes, never a torn value', async ({ page, harnessServer, browserName }) => {
  test.setTimeout(180_000)
  const context = page.context()
  const ns = `crash-${browserName}`
  let victim = page
  let killedAfterWrites = 0
  const lines: string[] = []
  for (let run = 0; run < runs; run++) {
    await openProbe(victim, harnessServer)
    const started = await victim.evaluate(([n, b, c, m]) => window.storeProbe.startWriter(n, b, c, m), [ns, batch, compactEvery, maxBatches] as const)
    expect(started, `run ${run}: the writer must start`).toMatchObject({ ok: true })
    // Kill points spread over the first ~400 ms of writing, one run at a time.
    await new Promise(resolve => setTimeout(resolve, 15 + run * 33))
    const acked = await victim.evaluate(() => window.storeProbe.acked())
    if (browserName === 'chromium') {
      const cdp = await context.newCDPSession(victim)
      const crashed = victim.waitForEvent('crash')
      cdp.send('Page.crash').catch(() => {})
      await crashed
    }
    await victim.close()
    killedAfterWrites += acked
    victim = await context.newPage()
    await openProbe(victim, harnessServer)
    const verified = await victim.evaluate(n => window.storeProbe.verifyPrefix(n), ns)
    expect(verified, `run ${run}`).toMatchObject({ ok: true, value: { bad: [] } })
    if (!verified.ok) continue
    const { restored, recovery } = verified.value
    expect(restored, `run ${run}: everything acknowledged before the kill (${acked} keys) survives`).toBeGreaterThanOrEqual(acked)
    lines.push(`run ${String(run).padStart(2)}: killed after ${15 + run * 33} ms with ${acked} keys acked (${started.ok ? acked - started.value : '?'} this run); restored ${restored}; dropped a torn tail of ${recovery?.droppedBytes ?? 0} bytes${recovery?.torn === undefined ? '' : ` (${recovery.torn})`}${recovery?.removedFiles.length ? `; removed ${recovery.removedFiles.join(', ')}` : ''}`)
  }
  const report = `opfs-log crash runs, ${browserName} (${browserName === 'chromium' ? 'Page.crash' : 'page.close'} mid-write):\n${lines.join('\n')}`
  console.log(report)
  await test.info().attach(`log-crash-${browserName}.txt`, { body: report, contentType: 'text/plain' })
  expect(killedAfterWrites, 'the writer wrote something before the kills').toBeGreaterThan(0)
  await victim.close()
})
