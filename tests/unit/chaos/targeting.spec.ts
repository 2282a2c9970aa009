/**
 * Per-replica targeting: the proxy reads `clientId` from the WebSocket upgrade
 * request line and applies a toxic only to the chosen replicas, including
 * connections that were already open when the toxic was added.
 */
import { test, expect } from '@playwright/test'
import WebSocket, { WebSocketServer } from 'ws'
import { ChaosProxy } from '../../../chaos/proxy.ts'
import { sleep, Teardown, waitUntil } from './helpers.ts'

const teardown = new Teardown()
test.afterEach(() => teardown.run())

const startWsEcho = async (): Promise<number> => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  teardown.add(() => new Promise<void>(resolve => {
    for (const c of wss.clients) c.terminate()
    wss.close(() => resolve())
  }))
  await new Promise<void>(resolve => wss.once('listening', resolve))
  wss.on('connection', ws => ws.on('message', data => ws.send(data)))
  return (wss.address() as { port: number }).port
}

/** A WebSocket replica that records the text it gets back. */
const openReplica = async (port: number, clientId: string): Promise<{ ws: WebSocket, received: string[] }> => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/room-1?clientId=${clientId}&ack=1`)
  teardown.add(() => ws.terminate())
  const received: string[] = []
  ws.on('message', data => received.push(String(data)))
  ws.on('error', () => {})
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
  return { ws, received }
}

test('a blackhole on one clientId silences only that replica; the others still echo', async () => {
  const proxy = new ChaosProxy()
  teardown.add(() => proxy.stop())
  const { port } = await proxy.start({ upstream: { host: '127.0.0.1', port: await startWsEcho() } })
  const a = await openReplica(port, 'a')
  const b = await openReplica(port, 'b')

  // Added while both are connected: it must reach a's open connection.
  await proxy.addToxic({ name: 'partition', type: 'blackhole', stream: 'downstream', clients: ['a'] })
  const c = await openReplica(port, 'c')
  a.ws.send('from a')
  b.ws.send('from b')
  c.ws.send('from c')
  await waitUntil(() => b.received.length === 1 && c.received.length === 1, 'b and c to get their echoes')
  expect(b.received).toEqual(['from b'])
  expect(c.received).toEqual(['from c'])
  await sleep(500)
  expect(a.received).toEqual([])
  expect(a.ws.readyState).toBe(WebSocket.OPEN)
  expect(proxy.connections().map(x => x.clientId).sort()).toEqual(['a', 'b', 'c'])
})

test('a toxic for a client also applies to that client\'s later connections, and to no one else', async () => {
  const proxy = new ChaosProxy()
  teardown.add(() => proxy.stop())
  const { port } = await proxy.start({ upstream: { host: '127.0.0.1', port: await startWsEcho() } })
  await proxy.addToxic({ type: 'latency', stream: 'upstream', clients: ['slow'], attributes: { latencyMs: 300 } })
  const slow = await openReplica(port, 'slow')
  const fast = await openReplica(port, 'fast')
  const startMs = performance.now()
  slow.ws.send('s')
  fast.ws.send('f')
  await waitUntil(() => fast.received.length === 1, 'the fast echo')
  const fastMs = performance.now() - startMs
  await waitUntil(() => slow.received.length === 1, 'the slow echo')
  const slowMs = performance.now() - startMs
  expect(slowMs).toBeGreaterThanOrEqual(299)
  expect(slowMs).toBeGreaterThan(fastMs)
})
