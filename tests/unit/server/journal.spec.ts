/**
 * The shared journal: what a crash left in it is written back into the
 * document logs at start-up, and a torn journal tail (a round never acked) is
 * ignored.
 */
import { test, expect } from '@playwright/test'
import { existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { logFileName } from '../../../server/storage/doc-store.ts'
import { journalFileName, journalPayload } from '../../../server/storage/journal.ts'
import { encodeRecords } from '../../../server/storage/record.ts'
import { connect, makeTempDir, startServer, waitUntil } from './helpers.ts'

test('records the journal holds are written back into a log that lost them, and the journal is emptied', async () => {
  const dir = await makeTempDir()
  try {
    let server = await startServer({ dataDir: dir.path })
    const writer = await connect(`${server.url}/crash?ack=1`)
    for (let i = 0; i < 10; i++) writer.set(`k${i}`, i)
    await waitUntil(() => writer.durableCount === writer.sent, 'writes acked')
    await writer.closeAndWait()
    await server.close()
    expect(statSync(join(dir.path, journalFileName)).size, 'a clean stop empties the journal').toBe(0)

    // A machine crash: the log's unsynced tail is gone, the journal's synced copy of it is not.
    const logPath = join(dir.path, logFileName('crash'))
    const log = readFileSync(logPath)
    const keep = 30
    truncateSync(logPath, keep)
    const torn = encodeRecords([journalPayload('crash', log.byteLength, encodeRecords([new Uint8Array([9, 9, 9])]))])
    writeFileSync(join(dir.path, journalFileName), Buffer.concat([
      encodeRecords([journalPayload('crash', keep, log.subarray(keep))]),
      torn.subarray(0, torn.byteLength - 3)
    ]))

    server = await startServer({ dataDir: dir.path })
    try {
      expect(readFileSync(logPath).equals(log), 'the log is whole again, without the torn round').toBe(true)
      expect(statSync(join(dir.path, journalFileName)).size).toBe(0)
      const reader = await connect(`${server.url}/crash`)
      await waitUntil(() => Object.keys(reader.map()).length === 10, 'all 10 acked keys are back')
      await reader.closeAndWait()
    } finally {
      await server.close()
    }
    expect(existsSync(join(dir.path, `${logFileName('crash')}.compact`))).toBe(false)
  } finally {
    await dir.remove()
  }
})
