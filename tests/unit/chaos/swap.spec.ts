/**
 * Adding and removing toxics while data streams loses and reorders no bytes,
 * and stop() leaves nothing running.
 */
import { test, expect } from '@playwright/test'
import { randomBytes } from 'node:crypto'
import { openClient, RecordingClient, sha256, sleep, startProxiedEcho, Teardown, waitUntil } from './helpers.ts'

const teardown = new Teardown()
test.afterEach(() => teardown.run())

test('adding and removing latency and slicer toxics during a continuous stream loses and reorders nothing', async () => {
  const { proxy, port } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port)
  const payload = randomBytes(3 * 1024 * 1024)
  const pieceBytes = 1024

  const writer = (async () => {
    for (let offset = 0, n = 0; offset < payload.length; offset += pieceBytes, n++) {
      client.socket.write(payload.subarray(offset, offset + pieceBytes))
      if (n % 4 === 0) await sleep(1)
    }
  })()
  const toggler = (async () => {
    for (let round = 0; round < 12; round++) {
      await proxy.addToxic({ name: 'lat-up', type: 'latency', stream: 'upstream', attributes: { latencyMs: 20, jitterMs: 15 } })
      await proxy.addToxic({ name: 'lat-down', type: 'latency', stream: 'downstream', attributes: { latencyMs: 30, jitterMs: 25 } })
      await proxy.addToxic({ name: 'slice', type: 'slicer', stream: 'downstream', attributes: { averageSizeBytes: 700, sizeVariationBytes: 300 } })
      await sleep(40)
      await proxy.removeToxic(round % 2 === 0 ? 'lat-down' : 'slice')
      await sleep(20)
      await proxy.removeToxic('lat-up')
      await proxy.removeToxic(round % 2 === 0 ? 'slice' : 'lat-down')
      await sleep(20)
    }
  })()
  await Promise.all([writer, toggler])
  await client.waitForBytes(payload.length, 20_000)
  expect(client.receivedBytes).toBe(payload.length)
  expect(sha256(client.received())).toBe(sha256(payload))
  expect(proxy.timeline().filter(e => e.event === 'toxic_added')).toHaveLength(36)
  expect(proxy.timeline().filter(e => e.event === 'toxic_removed')).toHaveLength(36)
})

test('backpressure: a slow reader does not make the proxy buffer without bound', async () => {
  const { proxy, port } = await startProxiedEcho(teardown, { highWaterMarkBytes: 64 * 1024 })
  const client = await openClient(teardown, port)
  client.socket.pause()
  const payload = randomBytes(16 * 1024 * 1024)
  client.socket.write(payload)
  await sleep(500)
  // With the client not reading, the proxy stops reading too: far less than the payload went up.
  const stalled = proxy.connections()[0]
  expect(stalled.bytesUp).toBeLessThan(payload.length)
  client.socket.resume()
  await client.waitForBytes(payload.length, 60_000)
  expect(sha256(client.received())).toBe(sha256(payload))
})

const tcpHandles = (): number => process.getActiveResourcesInfo().filter(r => r.startsWith('TCP')).length
const timers = (): number => process.getActiveResourcesInfo().filter(r => r === 'Timeout').length

test('stop() closes the listener and every socket, and leaves no timers', async () => {
  const baselineTcp = tcpHandles()
  const baselineTimers = timers()
  const local = new Teardown()
  try {
    const { proxy, port, echo } = await startProxiedEcho(local)
    const client = await openClient(local, port, 'a')
    // Leave toxics holding timers: a pending reset, a sleeping latency stage, a swallowed stream.
    await proxy.addToxic({ type: 'reset_peer', stream: 'upstream', attributes: { timeoutMs: 600_000 } })
    await proxy.addToxic({ type: 'latency', stream: 'downstream', attributes: { latencyMs: 600_000 } })
    await proxy.addToxic({ type: 'blackhole', stream: 'upstream', clients: ['a'] })
    client.socket.write('held\n')
    await sleep(50)
    expect(timers()).toBeGreaterThan(baselineTimers)

    await proxy.stop()
    await waitUntil(() => client.closed, 'the client socket to close')
    expect(proxy.connections()).toEqual([])
    await waitUntil(() => echo.sockets.size === 0, 'the upstream socket to close')
    await expect(RecordingClient.connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    expect(timers()).toBeLessThanOrEqual(baselineTimers)
  } finally {
    await local.run()
  }
  await waitUntil(() => tcpHandles() <= baselineTcp, `TCP handles back to ${baselineTcp} (now ${tcpHandles()})`)
})
