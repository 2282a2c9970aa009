/**
 * The proxy's idle timeout behaves like a load balancer's: a connection with
 * no bytes in either direction for `idleTimeoutMs` is closed, and traffic in
 * either direction keeps it open.
 */
import { test, expect } from '@playwright/test'
import { ChaosProxy } from '../../../chaos/proxy.ts'
import { openClient, sleep, startProxiedEcho, Teardown, waitUntil } from './helpers.ts'

const teardown = new Teardown()
test.afterEach(() => teardown.run())

const idleTimeoutMs = 300

test('a silent connection is closed after the idle timeout and the close is in the timeline', async () => {
  const { proxy, port } = await startProxiedEcho(teardown, { idleTimeoutMs })
  const client = await openClient(teardown, port, 'quiet')
  const openedAt = Date.now()
  await waitUntil(() => client.closed, 'the idle close', 5_000)
  expect(Date.now() - openedAt).toBeGreaterThanOrEqual(idleTimeoutMs - 20)
  await waitUntil(() => proxy.connections().length === 0, 'the proxy to forget the connection')
  const closes = proxy.timeline().filter(e => e.event === 'idle_closed')
  expect(closes).toEqual([{ atMs: expect.any(Number), event: 'idle_closed', clientId: 'quiet', idleMs: idleTimeoutMs }])
})

test('bytes keep a connection open past the idle timeout, from the client or from the server', async () => {
  const { echo, proxy, port } = await startProxiedEcho(teardown, { idleTimeoutMs })
  const talker = await openClient(teardown, port, 'talker')
  const listener = await openClient(teardown, port, 'listener')
  const [, serverSide] = [...echo.sockets]
  // Four idle timeouts long: the talker writes upstream, the server writes down to the listener.
  for (let i = 0; i < 12; i++) {
    talker.socket.write('ping')
    serverSide.write('tick')
    await sleep(idleTimeoutMs / 3)
  }
  expect(talker.closed).toBe(false)
  expect(listener.closed).toBe(false)
  expect(proxy.timeline().filter(e => e.event === 'idle_closed')).toEqual([])
  await waitUntil(() => talker.closed && listener.closed, 'both to be closed once silent', 5_000)
})

test('without the option, silent connections stay open', async () => {
  const { port } = await startProxiedEcho(teardown)
  const client = await openClient(teardown, port, 'quiet')
  await sleep(idleTimeoutMs * 3)
  expect(client.closed).toBe(false)
})

test('a bad idle timeout is refused with one sentence', async () => {
  const proxy = new ChaosProxy()
  teardown.add(() => proxy.stop())
  await expect(proxy.start({ upstream: { host: '127.0.0.1', port: 1 }, idleTimeoutMs: 0 })).rejects.toThrow(/idleTimeoutMs/)
})
