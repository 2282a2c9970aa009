/**
 * A blackhole behaves like TCP through an outage (DESIGN §5): what is sent
 * while it lasts is held and delivered at the heal, complete and in order,
 * before anything newer; a hold past its bound in bytes or in time resets the
 * connection both ways; no timer outlives the hold. Through a real proxy in
 * front of a real echo server on loopback.
 */
import { test, expect } from '@playwright/test'
import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { openClient, sha256, sleep, startProxiedEcho, Teardown, waitUntil } from './helpers.ts'

const teardown = new Teardown()
test.afterEach(() => teardown.run())

const timers = (): number => process.getActiveResourcesInfo().filter(r => r === 'Timeout').length

/** The server side of the only connection the echo server has. */
const serverSocket = (sockets: Set<Socket>): Socket => {
  expect(sockets.size).toBe(1)
  return [...sockets][0]!
}

test('what is sent during a blackhole both ways arrives after the heal, complete, in order, before newer bytes', async () => {
  const { proxy, port, echo } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port)
  const server = serverSocket(echo.sockets)
  let serverReceived = 0
  server.on('data', (data: Buffer) => { serverReceived += data.length })
  await proxy.addToxic({ name: 'hole-up', type: 'blackhole', stream: 'upstream' })
  await proxy.addToxic({ name: 'hole-down', type: 'blackhole', stream: 'downstream' })
  const held = randomBytes(1024 * 1024)
  for (let offset = 0; offset < held.length; offset += 16 * 1024) client.socket.write(held.subarray(offset, offset + 16 * 1024))
  // The server's own bytes, sent into the blackhole too.
  server.write('server says hi\n')
  await sleep(400)
  expect(serverReceived).toBe(0)
  expect(client.receivedBytes).toBe(0)
  expect(client.closed).toBe(false)

  await proxy.removeToxic('hole-up')
  await proxy.removeToxic('hole-down')
  const newer = Buffer.from('after the heal\n')
  client.socket.write(newer)
  const expected = Buffer.concat([Buffer.from('server says hi\n'), held, newer])
  await client.waitForBytes(expected.length)
  await sleep(100)
  expect(client.receivedBytes).toBe(expected.length)
  expect(sha256(client.received())).toBe(sha256(expected))
  expect(client.closed).toBe(false)
})

test('toggling a blackhole (and a latency toxic behind it) during a continuous stream loses and reorders nothing', async () => {
  const { proxy, port, echo } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port)
  const server = serverSocket(echo.sockets)
  const payload = randomBytes(2 * 1024 * 1024)
  const pieceBytes = 1024
  const writer = (async () => {
    for (let offset = 0, n = 0; offset < payload.length; offset += pieceBytes, n++) {
      server.write(payload.subarray(offset, offset + pieceBytes))
      if (n % 8 === 0) await sleep(1)
    }
  })()
  const toggler = (async () => {
    for (let round = 0; round < 10; round++) {
      await proxy.addToxic({ name: 'hole', type: 'blackhole', stream: 'downstream' })
      await sleep(30)
      // Re-wires the blackhole's stage while it holds: the hold must stay put.
      await proxy.addToxic({ name: 'lat', type: 'latency', stream: 'downstream', attributes: { latencyMs: 10, jitterMs: 5 } })
      await sleep(30)
      await proxy.removeToxic(round % 2 === 0 ? 'hole' : 'lat')
      await sleep(20)
      await proxy.removeToxic(round % 2 === 0 ? 'lat' : 'hole')
      await sleep(20)
    }
  })()
  await Promise.all([writer, toggler])
  await client.waitForBytes(payload.length, 20_000)
  expect(client.receivedBytes).toBe(payload.length)
  expect(sha256(client.received())).toBe(sha256(payload))
})

test('a held end of stream is delivered after the held bytes', async () => {
  const { proxy, port, echo } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port)
  const server = serverSocket(echo.sockets)
  let ended = false
  client.socket.on('end', () => { ended = true })
  await proxy.addToxic({ name: 'hole', type: 'blackhole', stream: 'downstream' })
  server.end('last words\n')
  await sleep(300)
  expect(client.receivedBytes).toBe(0)
  expect(ended).toBe(false)
  await proxy.removeToxic('hole')
  await waitUntil(() => ended, 'the end of stream after the heal')
  expect(client.received().toString()).toBe('last words\n')
})

test('a hold past holdMaxBytes resets the connection both ways', async () => {
  const { proxy, port, echo } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port)
  const server = serverSocket(echo.sockets)
  let serverError: NodeJS.ErrnoException | null = null
  server.on('error', (error: NodeJS.ErrnoException) => { serverError = error })
  await proxy.addToxic({ name: 'hole', type: 'blackhole', stream: 'downstream', attributes: { holdMaxBytes: 64 * 1024 } })
  // Under the bound: held, connection open.
  client.socket.write(randomBytes(48 * 1024))
  await sleep(300)
  expect(client.closed).toBe(false)
  // Over it: reset.
  client.socket.write(randomBytes(32 * 1024))
  await waitUntil(() => client.closed, 'the client socket to be reset')
  expect(client.error?.code).toBe('ECONNRESET')
  expect(client.receivedBytes).toBe(0)
  await waitUntil(() => echo.sockets.size === 0, 'the server socket to close')
  expect((serverError as NodeJS.ErrnoException | null)?.code).toBe('ECONNRESET')
  await waitUntil(() => proxy.connections().length === 0, 'the proxy to drop the connection')
})

test('a byte held for holdMaxMs resets the connection; re-wiring the stage does not restart the countdown', async () => {
  const { proxy, port } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port)
  await proxy.addToxic({ name: 'hole', type: 'blackhole', stream: 'upstream', attributes: { holdMaxMs: 1_000 } })
  const heldAtMs = performance.now()
  client.socket.write('held\n')
  await sleep(700)
  await proxy.addToxic({ name: 'lat', type: 'latency', stream: 'upstream', attributes: { latencyMs: 1 } })
  await waitUntil(() => client.closed, 'the client socket to be reset', 5_000)
  const elapsedMs = performance.now() - heldAtMs
  expect(client.error?.code).toBe('ECONNRESET')
  expect(elapsedMs).toBeGreaterThanOrEqual(999)
  // A restarted countdown would reset at 1700 ms or later.
  expect(elapsedMs).toBeLessThan(1_600)
})

test('a connection with nothing to send survives a blackhole longer than holdMaxMs', async () => {
  const { proxy, port } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port)
  await proxy.addToxic({ name: 'hole-up', type: 'blackhole', stream: 'upstream', attributes: { holdMaxMs: 200 } })
  await proxy.addToxic({ name: 'hole-down', type: 'blackhole', stream: 'downstream', attributes: { holdMaxMs: 200 } })
  await sleep(600)
  expect(client.closed).toBe(false)
  await proxy.removeToxic('hole-up')
  await proxy.removeToxic('hole-down')
  client.socket.write('still here\n')
  await client.waitForBytes('still here\n'.length)
  expect(client.closed).toBe(false)
})

test('the hold timer is cleared at the heal and at a reset, and on stop', async () => {
  const baseline = timers()
  const { proxy, port } = await startProxiedEcho(teardown)
  const healed = await openClient(teardown, port, 'healed')
  const reset = await openClient(teardown, port, 'reset')
  const stopped = await openClient(teardown, port, 'stopped')
  await proxy.addToxic({ name: 'hole-healed', type: 'blackhole', stream: 'upstream', clients: ['healed'] })
  await proxy.addToxic({ name: 'hole-reset', type: 'blackhole', stream: 'upstream', clients: ['reset'], attributes: { holdMaxBytes: 1024 } })
  await proxy.addToxic({ name: 'hole-stopped', type: 'blackhole', stream: 'upstream', clients: ['stopped'] })
  healed.socket.write('a\n')
  stopped.socket.write('c\n')
  await sleep(100)
  // One countdown per holding direction.
  expect(timers()).toBe(baseline + 2)

  reset.socket.write(randomBytes(2048))
  await waitUntil(() => reset.closed, 'the over-bound connection to be reset')
  await proxy.removeToxic('hole-healed')
  await healed.waitForBytes(2)
  expect(timers()).toBe(baseline + 1)

  await proxy.stop()
  await waitUntil(() => stopped.closed, 'stop() to close the last connection')
  expect(timers()).toBeLessThanOrEqual(baseline)
})
