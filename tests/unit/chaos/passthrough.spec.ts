/**
 * Without toxics the proxy is transparent: raw TCP and WebSocket bytes pass
 * unchanged both ways, and the proxy reports connections and their byte counts.
 */
import { test, expect } from '@playwright/test'
import { randomBytes } from 'node:crypto'
import WebSocket, { WebSocketServer } from 'ws'
import { ChaosProxy } from '../../../chaos/proxy.ts'
import { openClient, RecordingClient, sha256, startProxiedEcho, Teardown, waitUntil } from './helpers.ts'

const teardown = new Teardown()
test.afterEach(() => teardown.run())

test('large random payloads pass unchanged in both directions', async () => {
  const { proxy, port } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port, 'alice')
  const payload = randomBytes(8 * 1024 * 1024)
  client.socket.write(payload)
  await client.waitForBytes(payload.length, 30_000)
  expect(client.receivedBytes).toBe(payload.length)
  expect(sha256(client.received())).toBe(sha256(payload))
  const [info] = proxy.connections()
  expect(info.clientId).toBe('alice')
  expect(info.remoteAddress).toBe('127.0.0.1')
  expect(info.bytesUp).toBeGreaterThanOrEqual(payload.length)
  expect(info.bytesDown).toBeGreaterThanOrEqual(payload.length)
})

test('a client that sends no request line is forwarded after the peek timeout, with no clientId', async () => {
  const { proxy, port } = await startProxiedEcho(teardown, { peekTimeoutMs: 100 })
  await openClient(teardown, port, 'x')
  expect(proxy.connections()[0].clientId).toBe('x')
  const noLine = Buffer.from('no newline here')
  const silent = await RecordingClient.connect(port)
  teardown.add(() => silent.destroy())
  silent.socket.write(noLine)
  await silent.waitForBytes(noLine.length)
  expect(silent.received().toString()).toBe('no newline here')
  expect(proxy.connections().map(c => c.clientId).sort()).toEqual([null, 'x'])
})

test('WebSocket binary messages pass unchanged through the proxy', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  teardown.add(() => new Promise<void>(resolve => {
    for (const c of wss.clients) c.terminate()
    wss.close(() => resolve())
  }))
  await new Promise<void>(resolve => wss.once('listening', resolve))
  wss.on('connection', ws => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })))
  const proxy = new ChaosProxy()
  teardown.add(() => proxy.stop())
  const { port: wsPort } = wss.address() as { port: number }
  const { port } = await proxy.start({ upstream: { host: '127.0.0.1', port: wsPort } })

  const ws = new WebSocket(`ws://127.0.0.1:${port}/room?clientId=r1`)
  teardown.add(() => ws.terminate())
  const received: Buffer[] = []
  ws.on('message', data => received.push(data as Buffer))
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
  const messages = Array.from({ length: 50 }, (_, i) => randomBytes(1 + i * 5_000))
  for (const m of messages) ws.send(m)
  await waitUntil(() => received.length === messages.length, 'all echoes')
  expect(received.map(sha256)).toEqual(messages.map(sha256))
  expect(proxy.connections().map(c => c.clientId)).toEqual(['r1'])
})
