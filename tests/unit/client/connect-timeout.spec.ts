import net from 'node:net'
import { test, expect } from '@playwright/test'
import { createNodeHost } from '../../../client/harness/node-host.ts'

test('a handshake that never completes is abandoned after connectTimeoutMs and retried', async () => {
  // A listener that accepts TCP and never answers the WebSocket upgrade: a blackholed handshake.
  const sockets = new Set<net.Socket>()
  const silent = net.createServer(socket => { sockets.add(socket) })
  await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
  const host = createNodeHost()
  try {
    const { port } = silent.address() as net.AddressInfo
    await host.connect({ replicaId: 'r', url: `ws://127.0.0.1:${port}`, docName: 'd', connectTimeoutMs: 300, heartbeat: false, backoff: { initialMs: 50, maxMs: 100, jitter: 'full' } })
    await expect.poll(async () => (await host.stats('r')).connection.filter(e => e.reason === 'connect-timeout').length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2)
    const events = (await host.stats('r')).connection
    const first = events.find(e => e.state === 'connecting')
    const timedOut = events.find(e => e.reason === 'connect-timeout')
    expect(timedOut!.t - first!.t).toBeGreaterThanOrEqual(290)
    expect(events.some(e => e.state === 'connecting' && e.reason === 'reconnect')).toBe(true)
  } finally {
    await host.closeAll()
    for (const socket of sockets) socket.destroy()
    await new Promise(resolve => silent.close(resolve))
  }
})
