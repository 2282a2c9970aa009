/**
 * The reference client in real browsers against the reference server:
 * convergence across contexts, restore from local storage on reload before
 * the network answers, offline edits, typed storage errors, and the official
 * provider against the reference server.
 */
import type { Page } from '@playwright/test'
import { test, expect, openHarness } from './client-fixtures.ts'
import type { ConnectOptions, ReplicaStats } from '../../../client/harness/api.ts'

const create = (replicaId: string, seq: number) => ({ kind: 'create' as const, opId: `${replicaId}:${seq}`, todoId: `${replicaId}-t${seq}`, title: `todo ${seq}` })

const connect = (page: Page, options: ConnectOptions) => page.evaluate(o => window.syncstorm.connect(o), options)
const stats = (page: Page, replicaId: string): Promise<ReplicaStats> => page.evaluate(id => window.syncstorm.stats(id), replicaId)
const opIds = async (page: Page, replicaId: string): Promise<string[]> => (await page.evaluate(id => window.syncstorm.opIds(id), replicaId)).sort()

test('two contexts edit concurrently and converge to the same digest', async ({ browser, harness, target }) => {
  const contexts = [await browser.newContext(), await browser.newContext()]
  try {
    const pages = [await openHarness(contexts[0], harness), await openHarness(contexts[1], harness)]
    const ids = ['a', 'b']
    for (const [i, page] of pages.entries()) {
      await connect(page, { replicaId: ids[i], url: target.url, docName: 'converge' })
      await page.evaluate(id => window.syncstorm.waitSynced(id, 10_000), ids[i])
    }
    const startAt = Date.now() + 200
    await Promise.all(pages.map((page, i) => page.evaluate(s => window.syncstorm.run(s), {
      startAt,
      ops: Array.from({ length: 20 }, (_, seq) => ({ replicaId: ids[i], atMs: seq * 10, op: create(ids[i], seq + 1) }))
    })))
    await expect.poll(async () => (await opIds(pages[0], 'a')).length, { timeout: 10_000 }).toBe(40)
    await expect.poll(async () => (await opIds(pages[1], 'b')).length, { timeout: 10_000 }).toBe(40)
    expect(await pages[0].evaluate(() => window.syncstorm.digest('a'))).toBe(await pages[1].evaluate(() => window.syncstorm.digest('b')))
    await pages[0].evaluate(() => window.syncstorm.waitAcked('a', 10_000))
    const a = await stats(pages[0], 'a')
    expect(a.ackMode).toBe('ack')
    expect(Object.keys(a.seen).filter(id => id.startsWith('b:'))).toHaveLength(20)
  } finally {
    for (const context of contexts) await context.close()
  }
})

for (const store of ['opfs-worker', 'opfs-main', 'opfs-log', 'auto', 'indexeddb'] as const) {
  test(`reload restores the doc from ${store} before the network answers`, async ({ context, harness, target }) => {
    const page = await openHarness(context, harness)
    const options: ConnectOptions = { replicaId: `persist-${store}`, url: target.url, docName: 'reload', store }
    await connect(page, options)
    await page.evaluate(id => window.syncstorm.waitSynced(id, 10_000), options.replicaId)
    await page.evaluate(id => window.syncstorm.apply(id, [1, 2, 3].map(seq => ({ kind: 'create', opId: `${id}:${seq}`, todoId: `t${seq}` }))), options.replicaId)
    await page.evaluate(id => window.syncstorm.waitAcked(id, 10_000), options.replicaId)
    const before = await stats(page, options.replicaId)
    expect(before.errors).toEqual([])
    // Closing flushes the store; then the server goes away, so only the store can restore the doc.
    await page.evaluate(id => window.syncstorm.close(id), options.replicaId)
    await target.kill()
    await page.reload()
    await page.waitForFunction(() => document.title === 'syncstorm harness ready')
    await connect(page, options)
    expect(await opIds(page, options.replicaId)).toEqual([1, 2, 3].map(seq => `${options.replicaId}:${seq}`))
    const after = await stats(page, options.replicaId)
    expect(after.restoredFromStore?.updates).toBeGreaterThan(0)
    expect(after.restoredFromStore?.beforeNetwork).toBe(true)
    expect(after.storeTimings.some(t => t.op === 'load')).toBe(true)
    await page.evaluate(() => window.syncstorm.closeAll())
  })
}

test('edits made while the server is down arrive after it comes back', async ({ browser, harness, target }) => {
  const contexts = [await browser.newContext(), await browser.newContext()]
  try {
    const writer = await openHarness(contexts[0], harness)
    await connect(writer, { replicaId: 'w', url: target.url, docName: 'offline', backoff: { initialMs: 100, maxMs: 500 } })
    await writer.evaluate(() => window.syncstorm.waitSynced('w', 10_000))
    await writer.evaluate(ops => window.syncstorm.apply('w', ops), [create('w', 1)])
    await writer.evaluate(() => window.syncstorm.waitAcked('w', 10_000))
    await target.kill()
    await expect.poll(async () => (await stats(writer, 'w')).state, { timeout: 10_000 }).not.toBe('synced')
    await writer.evaluate(ops => window.syncstorm.apply('w', ops), [create('w', 2), create('w', 3)])
    expect((await stats(writer, 'w')).pendingAcks).toBe(2)
    await target.restart()
    await writer.evaluate(() => window.syncstorm.waitAcked('w', 20_000))
    const reader = await openHarness(contexts[1], harness)
    await connect(reader, { replicaId: 'r', url: target.url, docName: 'offline' })
    await reader.evaluate(() => window.syncstorm.waitSynced('r', 10_000))
    expect(await opIds(reader, 'r')).toEqual(['w:1', 'w:2', 'w:3'])
    const events = (await stats(writer, 'w')).connection
    expect(events.some(e => e.state === 'synced' && e.reason === 'reconnect')).toBe(true)
  } finally {
    for (const context of contexts) await context.close()
  }
})

test('a held OPFS lock is reported as a typed lock-held error, not swallowed', async ({ page, harness, target }) => {
  await page.goto(harness.testPageUrl('client-probe'))
  await page.waitForFunction(() => document.title === 'client probe ready')
  const result = await page.evaluate(url => window.clientProbe.lockProbe(url), target.url)
  expect(result.rejectedWith).toBe('lock-held')
  expect(result.eventCodes).toContain('lock-held')
  expect(result.statsErrors.some(message => message.includes('lock-held'))).toBe(true)
})

test('a bad call to the harness fails with a clear sentence', async ({ page, harness }) => {
  await page.goto(harness.harnessUrl)
  await page.waitForFunction(() => document.title === 'syncstorm harness ready')
  await expect(page.evaluate(() => window.syncstorm.connect({ replicaId: 'x', url: 'http://nope', docName: 'd' }))).rejects.toThrow(/url must start with ws/)
  await expect(page.evaluate(() => window.syncstorm.stats('missing'))).rejects.toThrow(/no replica 'missing'/)
  expect(await page.evaluate(() => Object.keys(window).filter(key => key.startsWith('syncstorm')))).toEqual(['syncstorm'])
})

test('storeBench in the harness page runs the store benchmark', async ({ page, harness }) => {
  await page.goto(harness.harnessUrl)
  await page.waitForFunction(() => document.title === 'syncstorm harness ready')
  const result = await page.evaluate(() => window.syncstorm.storeBench({ store: 'opfs-worker', items: 10, iterations: 3 }))
  expect(result.error).toBeUndefined()
  expect(result.samplesMs.write).toHaveLength(3)
  expect(result.samplesMs.read).toHaveLength(3)
})

test('the official WebsocketProvider syncs with the reference client through the reference server', async ({ browser, harness, target }) => {
  const contexts = [await browser.newContext(), await browser.newContext()]
  try {
    const official = await contexts[0].newPage()
    await official.goto(harness.testPageUrl('official-provider'))
    await official.waitForFunction(() => document.title === 'official provider ready')
    await official.evaluate(url => window.officialProvider.start(url, 'interop'), target.url)
    const reference = await openHarness(contexts[1], harness)
    await connect(reference, { replicaId: 'ref', url: target.url, docName: 'interop' })
    await reference.evaluate(() => window.syncstorm.waitSynced('ref', 10_000))
    await expect.poll(() => official.evaluate(() => window.officialProvider.synced()), { timeout: 10_000 }).toBe(true)
    await official.evaluate(op => window.officialProvider.apply(op), create('official', 1))
    await reference.evaluate(ops => window.syncstorm.apply('ref', ops), [create('ref', 1)])
    await expect.poll(async () => (await opIds(reference, 'ref')).length, { timeout: 10_000 }).toBe(2)
    await expect.poll(() => official.evaluate(() => window.officialProvider.opIds().length), { timeout: 10_000 }).toBe(2)
    expect(await official.evaluate(() => window.officialProvider.digest())).toBe(await reference.evaluate(() => window.syncstorm.digest('ref')))
    await official.evaluate(() => window.officialProvider.stop())
  } finally {
    for (const context of contexts) await context.close()
  }
})
