/**
 * The real server process: SIGKILL loses no acked write, graceful SIGTERM,
 * and the HTTP endpoints (/healthz, /metrics, /admin).
 */
import { test, expect } from '@playwright/test'
import { digestDoc } from '../../../model/digest.ts'
import { applyOp, opsOf, todosOf } from '../../../model/todo-doc.ts'
import { spawnServer, type ServerProcess } from '../../../server/spawn.ts'
import { connect, httpGet, makeTempDir, metricValue, type ProtocolClient, waitUntil } from './helpers.ts'

const adminToken = 'test-admin-token'
let dir: Awaited<ReturnType<typeof makeTempDir>>
const servers: ServerProcess[] = []
const clients: ProtocolClient[] = []

test.beforeEach(async () => {
  dir = await makeTempDir()
})

test.afterEach(async ({}, testInfo) => {
  await Promise.all(clients.splice(0).map(c => c.closeAndWait()))
  for (const server of servers.splice(0)) {
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach(`server-${server.pid}.log`, { body: server.output() })
    await server.stop()
  }
  await dir.remove()
})

const spawn = async (): Promise<ServerProcess> => {
  const server = await spawnServer({ dataDir: dir.path, adminToken })
  servers.push(server)
  return server
}

const open = async (url: string): Promise<ProtocolClient> => {
  const client = await connect(url)
  clients.push(client)
  return client
}

test('SIGKILL mid-write loses no acknowledged write', async () => {
  const first = await spawn()
  const rooms = ['crash-a', 'crash-b']
  const acked = new Set<string>()
  const writers = await Promise.all([0, 1, 2, 3, 4, 5].map(async i => {
    const client = await open(`${first.url}/${rooms[i % 2]}?ack=1`)
    const opIdBySeq = new Map<number, string>()
    client.onAck(n => {
      for (const [seq, opId] of opIdBySeq) {
        if (seq <= n) {
          acked.add(opId)
          opIdBySeq.delete(seq)
        }
      }
    })
    return { client, opIdBySeq, replica: `w${i}`, seq: 0 }
  }))
  // Write continuously until the kill, so that writes are in flight when it lands.
  let writing = true
  const loops = writers.map(async w => {
    for (let n = 0; writing && n < 100_000 && w.client.ws.readyState === 1; n++) {
      const opId = `${w.replica}:${++w.seq}`
      applyOp(w.client.doc, { kind: 'create', opId, todoId: opId, title: 'x'.repeat(n % 50) })
      w.opIdBySeq.set(w.client.sent, opId)
      if (n % 5 === 0) await new Promise(resolve => setTimeout(resolve, 1))
    }
  })
  await waitUntil(() => acked.size >= 300, '300 writes acked', 20_000)
  const exit = await first.kill('SIGKILL')
  writing = false
  await Promise.all(loops)
  expect(exit.signal).toBe('SIGKILL')
  servers.splice(servers.indexOf(first), 1)
  const invoked = writers.reduce((sum, w) => sum + w.seq, 0)
  expect(invoked).toBeGreaterThan(acked.size)

  const second = await spawn()
  const present = new Set<string>()
  for (const room of rooms) {
    const reader = await open(`${second.url}/${room}`)
    await waitUntil(() => reader.frames.some(f => f.type === 'sync' && f.syncType === 1), `${room} was read`)
    todosOf(reader.doc)
    for (const opId of opsOf(reader.doc).keys()) present.add(opId)
    const info = JSON.parse((await httpGet(`${second.httpUrl}/admin/docs/${room}`, { authorization: `Bearer ${adminToken}` })).body)
    expect(info.digest).toBe(await digestDoc(reader.doc))
    expect(info.opIds).toBe(opsOf(reader.doc).size)
  }
  const lost = [...acked].filter(opId => !present.has(opId))
  expect(lost).toEqual([])
})

test('SIGTERM flushes, closes sockets and exits 0', async () => {
  const server = await spawn()
  const client = await open(`${server.url}/graceful?ack=1`)
  for (let i = 0; i < 50; i++) client.set(`k${i}`, i)
  // Received but maybe not yet flushed when the signal lands.
  await waitUntil(async () => metricValue((await httpGet(`${server.httpUrl}/metrics`)).body, 'sync_messages_in_total', 'type="sync_update"') === 50, 'the server received all 50 updates')
  const exit = await server.kill('SIGTERM')
  servers.splice(servers.indexOf(server), 1)
  expect(exit.code).toBe(0)
  expect((await client.closed).code).toBe(1001)
  const again = await spawn()
  const reader = await open(`${again.url}/graceful`)
  await waitUntil(() => Object.keys(reader.map()).length === 50, 'all 50 writes survived the graceful stop')
})

test('/healthz, /metrics and the admin endpoints', async () => {
  const server = await spawn()
  const client = await open(`${server.url}/http-room?ack=1`)
  applyOp(client.doc, { kind: 'create', opId: 'r:1', todoId: 't1', title: 'first' })
  await waitUntil(() => client.durableCount === client.sent, 'the write was acked')

  const health = JSON.parse((await httpGet(`${server.httpUrl}/healthz`)).body)
  expect(health).toMatchObject({ status: 'ok', connections: 1, loadedDocs: 1 })

  const metrics = (await httpGet(`${server.httpUrl}/metrics`)).body
  for (const name of ['sync_connections', 'sync_loaded_docs', 'sync_messages_in_total', 'sync_bytes_in_total', 'sync_messages_out_total',
    'sync_bytes_out_total', 'sync_flush_duration_seconds_bucket', 'sync_flush_records_bucket', 'nodejs_eventloop_lag_seconds',
    'nodejs_heap_size_used_bytes', 'process_resident_memory_bytes', 'sync_corrupt_tails_truncated_total', 'sync_connections_closed_total']) {
    expect(metrics, name).toContain(name)
  }
  expect(metricValue(metrics, 'sync_connections')).toBe(1)
  expect(metricValue(metrics, 'sync_messages_in_total', 'type="sync_update"')).toBe(1)

  const auth = { authorization: `Bearer ${adminToken}` }
  expect((await httpGet(`${server.httpUrl}/admin/docs/http-room`)).status).toBe(401)
  expect((await httpGet(`${server.httpUrl}/admin/docs/http-room`, { authorization: 'Bearer wrong-token' })).status).toBe(401)
  const info = JSON.parse((await httpGet(`${server.httpUrl}/admin/docs/http-room`, auth)).body)
  expect(info).toEqual({ name: 'http-room', digest: await digestDoc(client.doc), opIds: 1, bytes: expect.any(Number) })

  const gc = await fetch(`${server.httpUrl}/admin/gc`, { method: 'POST', headers: auth })
  expect(gc.status).toBe(200)
  expect(await gc.json()).toMatchObject({ heapUsedBytes: expect.any(Number), rssBytes: expect.any(Number), gcAvailable: true })
  const badBody = await fetch(`${server.httpUrl}/admin/gc`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"force":1}' })
  expect(badBody.status).toBe(400)
})

test('without an admin token the admin routes do not exist', async () => {
  const server = await spawnServer({ dataDir: dir.path })
  servers.push(server)
  expect((await httpGet(`${server.httpUrl}/admin/docs/x`)).status).toBe(404)
})
