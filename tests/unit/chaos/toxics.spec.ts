/**
 * Each toxic through a real proxy in front of a real echo server. Timing
 * assertions are loose lower bounds only (the machine is noisy).
 */
import { test, expect } from '@playwright/test'
import { randomBytes } from 'node:crypto'
import { openClient, RecordingClient, sha256, sleep, startProxiedEcho, Teardown, waitUntil } from './helpers.ts'

const teardown = new Teardown()
test.afterEach(() => teardown.run())

/** Sends `data` and resolves with the ms until it has all come back. */
const roundTripMs = async (client: RecordingClient, data: Buffer): Promise<number> => {
  const before = client.receivedBytes
  const startMs = performance.now()
  client.socket.write(data)
  await client.waitForBytes(before + data.length)
  return performance.now() - startMs
}

test('latency delays every round trip by at least latencyMs', async () => {
  const { proxy, port } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port)
  const baselineMs = await roundTripMs(client, Buffer.from('ping\n'))
  await proxy.addToxic({ type: 'latency', stream: 'downstream', attributes: { latencyMs: 200 } })
  const delayedMs = await roundTripMs(client, Buffer.from('ping\n'))
  expect(delayedMs).toBeGreaterThanOrEqual(199)
  expect(delayedMs).toBeGreaterThan(baselineMs)
})

test('jitter spreads the delays', async () => {
  const { proxy, port } = await startProxiedEcho(teardown)
  await proxy.addToxic({ type: 'latency', stream: 'upstream', attributes: { latencyMs: 100, jitterMs: 80 } })
  const client = await openClient(teardown, port)
  const delaysMs: number[] = []
  for (let i = 0; i < 20; i++) delaysMs.push(await roundTripMs(client, Buffer.from(`ping ${i}\n`)))
  expect(Math.min(...delaysMs)).toBeGreaterThanOrEqual(19)
  expect(Math.max(...delaysMs) - Math.min(...delaysMs)).toBeGreaterThan(40)
})

test('bandwidth limits throughput', async () => {
  const { proxy, port } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port)
  await proxy.addToxic({ type: 'bandwidth', stream: 'downstream', attributes: { rateKBps: 200 } })
  const payload = randomBytes(200_000)
  // 200 KB at 200 KB/s is ~1 s; assert a loose lower bound only.
  const elapsedMs = await roundTripMs(client, payload)
  expect(elapsedMs).toBeGreaterThanOrEqual(600)
  expect(sha256(client.received())).toBe(sha256(payload))
})

test('reset_peer gives the client ECONNRESET after timeoutMs', async () => {
  const { proxy, port } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port)
  const addedAtMs = performance.now()
  await proxy.addToxic({ type: 'reset_peer', stream: 'downstream', attributes: { timeoutMs: 150 } })
  await waitUntil(() => client.closed, 'the client socket to close')
  expect(performance.now() - addedAtMs).toBeGreaterThanOrEqual(149)
  expect(client.error?.code).toBe('ECONNRESET')
  await waitUntil(() => proxy.connections().length === 0, 'the proxy to drop the connection')
  expect(proxy.timeline().map(e => e.event)).toEqual(['toxic_added'])
})

test('resetClients resets only the chosen clients', async () => {
  const { proxy, port } = await startProxiedEcho(teardown)
  const a = await openClient(teardown, port, 'a')
  const b = await openClient(teardown, port, 'b')
  expect(await proxy.resetClients(['a'])).toBe(1)
  await waitUntil(() => a.closed, 'a to close')
  expect(a.error?.code).toBe('ECONNRESET')
  expect(await roundTripMs(b, Buffer.from('still here\n'))).toBeGreaterThanOrEqual(0)
  expect(b.closed).toBe(false)
  expect(proxy.timeline()).toMatchObject([{ event: 'reset', clients: ['a'], connections: 1 }])
})

test('blackhole keeps the connection open and delivers nothing while it lasts', async () => {
  const { proxy, port, echo } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port)
  const before = proxy.connections()[0]
  await proxy.addToxic({ name: 'hole', type: 'blackhole', stream: 'downstream' })
  client.socket.write(randomBytes(100_000))
  await sleep(500)
  expect(client.receivedBytes).toBe(0)
  expect(client.closed).toBe(false)
  expect(echo.sockets.size).toBe(1)
  expect(proxy.connections()[0].bytesUp - before.bytesUp).toBe(100_000)
  expect(proxy.connections()[0].bytesDown).toBe(before.bytesDown)
  // What it held arrives at the heal: tests/unit/chaos/hold.spec.ts.
})

test('slicer delivers every byte in more, smaller chunks', async () => {
  const { proxy, port } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port)
  const payload = randomBytes(6_000)
  await roundTripMs(client, payload)
  const unslicedChunks = client.chunks.length
  client.chunks.splice(0)

  await proxy.addToxic({ type: 'slicer', stream: 'downstream', attributes: { averageSizeBytes: 100, sizeVariationBytes: 50, delayUs: 3_000 } })
  await roundTripMs(client, payload)
  expect(sha256(client.received())).toBe(sha256(payload))
  expect(client.chunks.length).toBeGreaterThanOrEqual(10)
  expect(client.chunks.length).toBeGreaterThan(unslicedChunks)
  expect(Math.min(...client.chunks.map(c => c.data.length))).toBeLessThanOrEqual(150)
})

test('toxicity 0 never applies the toxic', async () => {
  const { proxy, port } = await startProxiedEcho(teardown)
  await proxy.addToxic({ type: 'blackhole', stream: 'downstream', toxicity: 0 })
  const client = await openClient(teardown, port)
  expect(await roundTripMs(client, Buffer.from('through\n'))).toBeGreaterThanOrEqual(0)
})

test('down refuses new connections and up restores them', async () => {
  const { proxy, port } = await startProxiedEcho(teardown)
  const existing = await openClient(teardown, port)
  await proxy.setDown(true, { cutExisting: false })
  await expect(RecordingClient.connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  await roundTripMs(existing, Buffer.from('kept\n'))

  await proxy.setDown(false)
  const again = await openClient(teardown, port)
  await roundTripMs(again, Buffer.from('back\n'))

  await proxy.setDown(true)
  await waitUntil(() => existing.closed && again.closed, 'cutExisting to close open connections')
  expect(existing.error?.code).toBe('ECONNRESET')
  expect(proxy.timeline().map(e => e.event)).toEqual(['down', 'up', 'down'])
})
