/**
 * The browser stores (OPFS main thread, OPFS worker file per key, OPFS worker
 * log, IndexedDB) in real Chromium and Firefox: contract, durability across
 * reload, the Yjs doc store, lock and quota errors, the benchmark's shape, and
 * the log's recovery from torn tails and interrupted compactions.
 */
import type { Page } from '@playwright/test'
import { test, expect, openProbe } from './probe-fixture.ts'
import type { StoreKind } from '../../../client/store/store.ts'

const kinds: StoreKind[] = ['opfs-main', 'opfs-worker', 'opfs-log', 'indexeddb']

for (const kind of kinds) {
  test.describe(kind, () => {
    test('put/get/list/delete/clear round-trip', async ({ probePage }) => {
      const result = await probePage.evaluate(k => window.storeProbe.roundTrip(k, 'round-trip'), kind)
      expect(result).toMatchObject({ ok: true })
      if (!result.ok) return
      expect(result.value.values).toEqual(['bee2', 'odd key', 'unicode', null, ''])
      expect(result.value.emptyBytes).toBe(0)
      expect(result.value.bigEqual).toBe(true)
      expect(result.value.listed).toEqual(['a/../x y', 'b', 'big', 'empty', 'ü-ключ'])
      expect(result.value.afterDelete).toEqual(['a/../x y', 'big', 'empty', 'ü-ключ'])
      expect(result.value.afterClear).toEqual([])
      expect(result.value.afterClearPut).toEqual(['after clear'])
    })

    test('data survives a page reload', async ({ probePage, harnessServer }) => {
      const entries = Array.from({ length: 20 }, (_, i) => ({ key: `k${String(i).padStart(2, '0')}`, text: `value ${i}` }))
      expect(await probePage.evaluate(([k, e]) => window.storeProbe.write(k, 'reload', e), [kind, entries] as const)).toMatchObject({ ok: true })
      await openProbe(probePage, harnessServer)
      const read = await probePage.evaluate(([k, keys]) => window.storeProbe.read(k, 'reload', keys), [kind, entries.map(e => e.key)] as const)
      expect(read).toEqual({ ok: true, value: { values: entries.map(e => e.text), keys: entries.map(e => e.key) } })
    })

    test('doc store keeps every update through append, compact and a crash mid-compact', async ({ probePage }) => {
      const result = await probePage.evaluate(k => window.storeProbe.docStore(k, 'doc'), kind)
      expect(result).toMatchObject({ ok: true })
      if (!result.ok) return
      const { beforeCompact, afterCompact, afterMore, expected, afterCrash, keysBefore, keysAfterAppend, timings } = result.value
      expect(beforeCompact.updates).toBeGreaterThan(30)
      expect(afterCompact.updates).toBe(1)
      expect(afterCompact.json).toBe(beforeCompact.json)
      expect(afterMore.updates).toBe(2)
      expect(afterMore.state).toEqual(expected.state)
      expect(afterMore.json).toBe(expected.json)
      expect(afterCrash.updates).toBe(3)
      expect(afterCrash.state).toEqual(expected.state)
      expect(keysBefore).toEqual([...keysBefore].sort())
      // A reopened store continues the sequence after the highest key.
      expect(keysAfterAppend.slice(0, -1).every(key => key < keysAfterAppend[keysAfterAppend.length - 1]!)).toBe(true)
      expect(timings).toBeGreaterThan(0)
    })

    test('a small benchmark returns one sample per round and operation', async ({ probePage }) => {
      const result = await probePage.evaluate(k => window.storeProbe.bench({ store: k, items: 5, itemBytes: 256, iterations: 3 }), kind as 'opfs-main')
      expect(result.error).toBeUndefined()
      expect(result).toMatchObject({ store: kind, items: 5 })
      for (const op of ['write', 'read', 'list', 'delete'] as const) {
        expect(result.samplesMs[op]).toHaveLength(3)
        for (const sample of result.samplesMs[op]) expect(sample).toBeGreaterThanOrEqual(0)
      }
    })

    test('writing beyond the quota fails with quota-exceeded', async ({ probePage, harnessServer, browserName, playwright, launchOptions, channel }) => {
      test.skip(browserName === 'webkit', 'WebKit offers no way to shrink the quota from a test')
      const fill = async (page: Page): Promise<void> => {
        const result = await page.evaluate(k => window.storeProbe.fillUntilRefused(k, 'quota', 64 * 1024, 8 * 1024 * 1024), kind)
        expect(result).toMatchObject({ ok: true })
        if (!result.ok) return
        expect(result.value.refused, JSON.stringify(result.value.refused)).toMatchObject({ ok: false, code: 'quota-exceeded' })
        expect(result.value.writtenBytes).toBeLessThan(8 * 1024 * 1024)
      }
      if (browserName === 'chromium') {
        const cdp = await probePage.context().newCDPSession(probePage)
        try {
          await cdp.send('Storage.overrideQuotaForOrigin', { origin: harnessServer.origin, quotaSize: 256 * 1024 })
          await fill(probePage)
        } finally {
          await cdp.send('Storage.overrideQuotaForOrigin', { origin: harnessServer.origin }).catch(() => {})
          await cdp.detach()
        }
        return
      }
      // Firefox fixes its storage limit at start-up only, so this test gets its own browser with a 2 MiB limit.
      const browser = await playwright.firefox.launch({ ...launchOptions, channel, firefoxUserPrefs: { 'dom.quotaManager.temporaryStorage.fixedLimit': 2048 } })
      try {
        const page = await browser.newPage()
        await openProbe(page, harnessServer)
        await fill(page)
      } finally {
        await browser.close()
      }
    })
  })
}

test('opfs-worker: a second sync access handle on a locked file gives lock-held', async ({ probePage }) => {
  const result = await probePage.evaluate(() => window.storeProbe.lockHeld('lock'))
  expect(result).toMatchObject({ ok: true })
  if (!result.ok) return
  expect(result.value.blocked).toMatchObject({ ok: false, code: 'lock-held' })
  expect(result.value.blockedRead).toMatchObject({ ok: false, code: 'lock-held' })
  expect(result.value.free).toMatchObject({ ok: true })
  expect(result.value.afterRelease).toEqual({ ok: true, value: [4] })
})

test('an unusable store name fails with a StoreError, not a crash', async ({ probePage }) => {
  const result = await probePage.evaluate(() => window.storeProbe.write('opfs-main', '', [{ key: 'k', text: 'v' }]))
  expect(result).toMatchObject({ ok: false, code: 'io' })
  const badKey = await probePage.evaluate(() => window.storeProbe.write('indexeddb', 'ns', [{ key: '', text: 'v' }]))
  expect(badKey).toMatchObject({ ok: false, code: 'io' })
})

test('memory: put/get/list/delete/clear round-trip', async ({ probePage }) => {
  const result = await probePage.evaluate(() => window.storeProbe.roundTrip('memory', 'round-trip'))
  expect(result).toMatchObject({ ok: true, value: { values: ['bee2', 'odd key', 'unicode', null, ''], bigEqual: true, afterClear: [], afterClearPut: ['after clear'] } })
})

test('opfs-worker: malformed and out-of-order requests get an error answer with their id', async ({ probePage }) => {
  const answers = await probePage.evaluate(() => window.storeProbe.rawWorker([
    { id: 7, op: 'bogus' },
    { id: 8, op: 'list' },
    { id: 9, op: 'put', entries: [{ key: 'k', value: 'not bytes' }] },
    'not an object'
  ]))
  // Malformed requests are answered at once, valid ones after the queue: compare by id.
  const byId = [...answers].sort((a, b) => (a as { id: number }).id - (b as { id: number }).id)
  expect(byId).toEqual([
    { id: 0, ok: false, error: { code: 'io', message: expect.stringContaining('malformed request') } },
    { id: 7, ok: false, error: { code: 'io', message: expect.stringContaining('malformed request') } },
    { id: 8, ok: false, error: { code: 'io', message: expect.stringContaining('came before "open"') } },
    { id: 9, ok: false, error: { code: 'io', message: expect.stringContaining('malformed request') } }
  ])
})

test('opfs-log: a second page on the origin gets lock-held, and the namespace once the first lets go', async ({ probePage, harnessServer }) => {
  expect(await probePage.evaluate(() => window.storeProbe.holdLog('lock-log'))).toEqual({ ok: true, value: undefined })
  const second = await probePage.context().newPage()
  try {
    await openProbe(second, harnessServer)
    const blocked = await second.evaluate(() => window.storeProbe.openLog('lock-log', 300))
    expect(blocked).toMatchObject({ ok: false, code: 'lock-held' })
    if (!blocked.ok) {
      // One sentence that says what to do.
      expect(blocked.message).toMatch(/open in another tab or worker of this origin.*: close the store there .*own namespace\.$/)
      expect(blocked.message.split('. ').length).toBe(1)
    }
    expect(await probePage.evaluate(() => window.storeProbe.releaseLog('lock-log'))).toMatchObject({ ok: true })
    expect(await second.evaluate(() => window.storeProbe.openLog('lock-log', 300))).toMatchObject({ ok: true })
  } finally {
    await second.close()
  }
})

test('opfs-log: a torn or corrupt tail is dropped on open, exactly the last record', async ({ probePage }) => {
  const entries = [{ key: 'a', text: 'first' }, { key: 'b', text: 'second' }, { key: 'c', text: 'third, the one that tears' }]
  for (const [how, bytes] of [['truncate', 1], ['truncate', 20], ['flip', 3], ['flip', 30]] as const) {
    const ns = `torn-${how}-${bytes}`
    expect(await probePage.evaluate(([n, e]) => window.storeProbe.write('opfs-log', n, e), [ns, entries] as const)).toMatchObject({ ok: true })
    // Each put is one batch: write c on its own, so it is the last record.
    expect(await probePage.evaluate(n => window.storeProbe.write('opfs-log', n, [{ key: 'c', text: 'third, rewritten last' }]), ns)).toMatchObject({ ok: true })
    const before = await probePage.evaluate(n => window.storeProbe.logFiles(n), ns)
    expect(await probePage.evaluate(([n, h, b]) => window.storeProbe.damageLog(n, h, b), [ns, how, bytes] as const)).toMatchObject({ ok: true })
    const recovered = await probePage.evaluate(n => window.storeProbe.recoverLog(n), ns)
    expect(recovered, `${how} ${bytes}`).toMatchObject({ ok: true, value: { keys: ['a', 'b', 'c'], values: ['first', 'second', 'third, the one that tears'] } })
    if (!recovered.ok || !before.ok) continue
    const lastRecordBytes = 8 + 3 + 1 + 'third, rewritten last'.length
    expect(recovered.value.recovery?.droppedBytes).toBe(how === 'truncate' ? lastRecordBytes - bytes : lastRecordBytes)
    expect(recovered.value.recovery?.torn).toBeDefined()
    // The file was cut back to the valid prefix: a second open finds nothing to drop.
    const again = await probePage.evaluate(n => window.storeProbe.recoverLog(n), ns)
    expect(again).toMatchObject({ ok: true, value: { keys: ['a', 'b', 'c'], recovery: { droppedBytes: 0, removedFiles: [] } } })
    expect(await probePage.evaluate(n => window.storeProbe.logFiles(n), ns)).toEqual({ ok: true, value: { '0.log': before.value['0.log']! - lastRecordBytes } })
  }
})

test('opfs-log: compaction swaps generations crash-safely (an unsealed next log is dropped, a superseded one removed)', async ({ probePage }) => {
  const ns = 'compact-crash'
  const entries = Array.from({ length: 20 }, (_, i) => ({ key: `k${String(i).padStart(2, '0')}`, text: `value ${i}` }))
  expect(await probePage.evaluate(([n, e]) => window.storeProbe.write('opfs-log', n, e), [ns, entries] as const)).toMatchObject({ ok: true })
  // Overwrite half and compact: the new generation holds 20 live records and a seal, the old one is gone.
  const rewritten = entries.map((e, i) => (i % 2 === 0 ? { ...e, text: `${e.text} again` } : e))
  expect(await probePage.evaluate(([n, e]) => window.storeProbe.writeAndCompact(n, e.filter((_, i) => i % 2 === 0)), [ns, rewritten] as const)).toMatchObject({ ok: true })
  const files = await probePage.evaluate(n => window.storeProbe.logFiles(n), ns)
  expect(Object.keys(files.ok ? files.value : {})).toEqual(['1.log'])
  const want = { keys: entries.map(e => e.key), values: rewritten.map(e => e.text) }
  // A crash in the middle of the next compaction: 2.log holds the records but no seal.
  expect(await probePage.evaluate(n => window.storeProbe.damageLog(n, 'unsealed-next', 0), ns)).toMatchObject({ ok: true })
  expect(await probePage.evaluate(n => window.storeProbe.recoverLog(n), ns)).toMatchObject({ ok: true, value: { ...want, recovery: { removedFiles: ['2.log'] } } })
  // A crash after the seal but before the old log was removed: the sealed newer log wins.
  expect(await probePage.evaluate(n => window.storeProbe.damageLog(n, 'stale-previous', 0), ns)).toMatchObject({ ok: true })
  expect(await probePage.evaluate(n => window.storeProbe.recoverLog(n), ns)).toMatchObject({ ok: true, value: { ...want, recovery: { removedFiles: ['0.log'] } } })
  expect(await probePage.evaluate(n => window.storeProbe.logFiles(n), ns)).toMatchObject({ ok: true, value: { '1.log': expect.any(Number) } })
})
