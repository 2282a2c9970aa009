/**
 * Durable writes: acks only after the flush, group commit, torn and corrupt
 * tails, compaction, and unloading idle documents.
 */
import { test, expect } from '@playwright/test'
import { appendFileSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { logFileName } from '../../../server/storage/doc-store.ts'
import { encodeRecords, scanRecords } from '../../../server/storage/record.ts'
import { connect, httpGet, makeTempDir, metricValue, ProtocolClient, startServer, waitUntil, type TestServer } from './helpers.ts'

let dir: Awaited<ReturnType<typeof makeTempDir>>
const servers: TestServer[] = []
const clients: ProtocolClient[] = []

test.beforeEach(async () => {
  dir = await makeTempDir()
})

test.afterEach(async () => {
  await Promise.all(clients.splice(0).map(c => c.closeAndWait()))
  for (const server of servers.splice(0)) await server.close()
  await dir.remove()
})

const start = async (config: Record<string, unknown> = {}): Promise<TestServer> => {
  const server = await startServer({ dataDir: dir.path, ...config })
  servers.push(server)
  return server
}

const open = async (url: string): Promise<ProtocolClient> => {
  const client = await connect(url)
  clients.push(client)
  return client
}

const stop = async (server: TestServer): Promise<void> => {
  servers.splice(servers.indexOf(server), 1)
  await server.close()
}

test('ack(n) arrives only when the first n writes are on disk', async () => {
  const server = await start()
  const client = await open(`${server.url}/acked?ack=1`)
  const updates = new Map<number, Uint8Array>()
  client.doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== client) updates.set(client.sent, update)
  })
  const problems: string[] = []
  let acks = 0
  client.onAck(n => {
    acks++
    const onDisk = scanRecords(readFileSync(join(dir.path, logFileName('acked')))).payloads.map(p => Buffer.from(p).toString('hex'))
    for (const [seq, update] of updates) {
      if (seq <= n && !onDisk.includes(Buffer.from(update).toString('hex'))) problems.push(`write ${seq} acked by ack(${n}) is not on disk`)
    }
  })
  for (let i = 0; i < 50; i++) {
    client.set(`k${i}`, i)
    if (i % 10 === 0) await new Promise(resolve => setTimeout(resolve, 5))
  }
  await waitUntil(() => client.durableCount === client.sent, 'every write was acked')
  expect(client.frames[0]).toEqual({ type: 'ack', durableCount: 0 })
  expect(acks).toBeGreaterThan(1)
  expect(problems).toEqual([])
})

test('a no-op update is still counted and acked', async () => {
  const server = await start()
  const client = await open(`${server.url}/noop?ack=1`)
  const seq = client.sendUpdate(new Uint8Array([0, 0]))
  await waitUntil(() => client.durableCount === seq, 'the no-op update was acked')
})

test('group commit: many updates share fewer fsyncs', async () => {
  const server = await start()
  const writers = await Promise.all([0, 1, 2, 3].map(() => open(`${server.url}/group?ack=1`)))
  for (let i = 0; i < 100; i++) for (const [w, writer] of writers.entries()) writer.set(`w${w}-${i}`, i)
  await waitUntil(() => writers.every(w => w.durableCount === w.sent), 'all writes acked')
  const metrics = (await httpGet(`${server.httpUrl}/metrics`)).body
  const records = metricValue(metrics, 'sync_flush_records_sum')
  const fsyncs = metricValue(metrics, 'sync_fsyncs_total')
  expect(records).toBe(400)
  expect(fsyncs).toBeGreaterThan(0)
  expect(fsyncs).toBeLessThan(400)
})

for (const damage of ['torn header', 'torn payload', 'bad crc'] as const) {
  test(`a ${damage} at the log tail is truncated on restart and earlier records kept`, async () => {
    let server = await start()
    const writer = await open(`${server.url}/tail?ack=1`)
    for (let i = 0; i < 10; i++) writer.set(`k${i}`, i)
    await waitUntil(() => writer.durableCount === writer.sent, 'writes acked')
    await writer.closeAndWait()
    await stop(server)
    const file = join(dir.path, logFileName('tail'))
    const validBytes = statSync(file).size
    const record = encodeRecords([new Uint8Array([1, 2, 3, 4, 5])])
    if (damage === 'torn header') appendFileSync(file, record.subarray(0, 5))
    else if (damage === 'torn payload') appendFileSync(file, record.subarray(0, record.length - 2))
    else { record[4] ^= 0xff; appendFileSync(file, record) }

    server = await start()
    const reader = await open(`${server.url}/tail`)
    await waitUntil(() => Object.keys(reader.map()).length === 10, 'all 10 acked keys are back')
    expect(statSync(file).size).toBe(validBytes)
    const metrics = (await httpGet(`${server.httpUrl}/metrics`)).body
    expect(metricValue(metrics, 'sync_corrupt_tails_truncated_total')).toBe(1)
  })
}

test('compaction bounds the log and keeps every write', async () => {
  let server = await start({ compactThresholdBytes: 4096 })
  const writer = await open(`${server.url}/compact?ack=1`)
  for (let i = 0; i < 400; i++) writer.set(`key-${i}`, 'x'.repeat(40))
  await waitUntil(() => writer.durableCount === writer.sent, 'writes acked')
  // Compaction runs after the flush that crossed the threshold has been acked.
  await waitUntil(async () => metricValue((await httpGet(`${server.httpUrl}/metrics`)).body, 'sync_compactions_total') > 0, 'the log was compacted')
  await writer.closeAndWait()
  await stop(server)
  expect(statSync(join(dir.path, logFileName('compact'))).size).toBeLessThan(64 * 1024)
  server = await start({ compactThresholdBytes: 4096 })
  const reader = await open(`${server.url}/compact`)
  await waitUntil(() => Object.keys(reader.map()).length === 400, 'all 400 keys are back after compaction')
})

test('idle documents are unloaded past the cap and reload with their data', async () => {
  const server = await start({ maxLoadedDocs: 2 })
  for (const name of ['lru-a', 'lru-b', 'lru-c']) {
    const client = await open(`${server.url}/${name}?ack=1`)
    client.set('name', name)
    await waitUntil(() => client.durableCount === client.sent, `${name} acked`)
    await client.closeAndWait()
  }
  await waitUntil(async () => JSON.parse((await httpGet(`${server.httpUrl}/healthz`)).body).loadedDocs <= 2, 'at most 2 docs loaded')
  const again = await open(`${server.url}/lru-a`)
  await waitUntil(() => again.map().name === 'lru-a', 'lru-a reloaded with its data')
})

test('a new document is refused when the cap is reached and every loaded one is in use', async () => {
  const server = await start({ maxLoadedDocs: 2 })
  await open(`${server.url}/busy-a`)
  await open(`${server.url}/busy-b`)
  const third = new ProtocolClient(`${server.url}/busy-c`)
  clients.push(third)
  const closed = await third.closed
  expect(closed.code).toBe(4507)
  expect(closed.reason).toContain('too many documents')
})
