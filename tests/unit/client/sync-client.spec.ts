/**
 * The reference client in Node against real servers: convergence, reconnect
 * storms with and without jitter, heartbeat against a frozen server, ack modes,
 * offline edits, and interop with the official y-websocket provider.
 */
import { test, expect } from '@playwright/test'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { createNodeHost } from '../../../client/harness/node-host.ts'
import { applyOp, opsOf } from '../../../model/todo-doc.ts'
import { digestDoc } from '../../../model/digest.ts'
import type { ConnectOptions } from '../../../client/harness/api.ts'
import { startOfficialServer, waitFor, type ServerProcess } from './servers.ts'

const create = (replicaId: string, seq: number) => ({ kind: 'create' as const, opId: `${replicaId}:${seq}`, todoId: `${replicaId}-t${seq}`, title: `todo ${seq}` })

/** Range (max - min) of the times at which each replica made its first retry after `after`. */
const firstRetrySpreadMs = async (host: ReturnType<typeof createNodeHost>, ids: string[], after: number): Promise<number> => {
  const times: number[] = []
  for (const id of ids) {
    const event = (await host.stats(id)).connection.find(e => e.t > after && e.state === 'connecting' && e.reason === 'reconnect')
    expect(event, `replica ${id} retried`).toBeDefined()
    times.push(event!.t)
  }
  return Math.max(...times) - Math.min(...times)
}

test.describe('against the official y-websocket server', () => {
  let server: ServerProcess | undefined
  const host = createNodeHost()

  test.afterEach(async () => {
    await host.closeAll()
    await server?.stop()
    server = undefined
  })

  test('two replicas converge after concurrent edits', async () => {
    server = await startOfficialServer()
    const base = { url: server.url, docName: 'converge', ack: false }
    await host.connect({ ...base, replicaId: 'a' })
    await host.connect({ ...base, replicaId: 'b' })
    await host.waitSynced('a', 10_000)
    await host.waitSynced('b', 10_000)
    for (let seq = 1; seq <= 20; seq++) {
      await host.apply('a', [create('a', seq)])
      await host.apply('b', [create('b', seq), { kind: 'update', opId: `b:${100 + seq}`, todoId: `a-t${seq}` }])
    }
    await waitFor(async () => (await host.opIds('a')).length === 60 && (await host.opIds('b')).length === 60, 10_000, 'all 60 op ids at both replicas')
    expect(await host.digest('a')).toBe(await host.digest('b'))
    const statsB = await host.stats('b')
    expect(Object.keys(statsB.seen).filter(id => id.startsWith('a:')).length).toBe(20)
    expect(statsB.history.length).toBe(40)
    expect(statsB.bytesIn).toBeGreaterThan(0)
    expect(statsB.messagesOut).toBeGreaterThan(0)
  })

  test('run() executes every scheduled op once at its time, only for replicas of this host', async () => {
    server = await startOfficialServer()
    await host.connect({ replicaId: 's', url: server.url, docName: 'schedule', ack: false })
    await host.waitSynced('s', 10_000)
    const startAt = performance.timeOrigin + performance.now() + 100
    const result = await host.run({
      startAt,
      ops: [
        ...Array.from({ length: 10 }, (_, i) => ({ replicaId: 's', atMs: i * 20, op: create('s', i + 1) })),
        { replicaId: 'elsewhere', atMs: 0, op: create('elsewhere', 1) }
      ]
    })
    expect(result.ran).toBe(10)
    expect(result.lateMsMax).toBeGreaterThanOrEqual(0)
    const history = (await host.stats('s')).history
    expect(history.map(op => op.opId)).toEqual(Array.from({ length: 10 }, (_, i) => `s:${i + 1}`))
    history.forEach((op, i) => expect(op.invokedAt).toBeGreaterThanOrEqual(startAt + i * 20 - 1))
    await expect(host.run({ startAt, ops: [{ replicaId: 's', atMs: -1, op: create('s', 99) }] })).rejects.toThrow(/invalid schedule/)
  })

  for (const jitter of ['full', 'none'] as const) {
    test(`30 replicas dropped at once: jitter '${jitter}' ${jitter === 'full' ? 'spreads' : 'synchronises'} their first retries, and all resync`, async () => {
      server = await startOfficialServer()
      const port = server.port
      const ids = Array.from({ length: 30 }, (_, i) => `storm-${i}`)
      const options = (replicaId: string): ConnectOptions => ({
        replicaId, url: server!.url, docName: 'storm', ack: false, heartbeat: false,
        backoff: { initialMs: 2_000, maxMs: 5_000, jitter }
      })
      for (const id of ids) await host.connect(options(id))
      for (const id of ids) await host.waitSynced(id, 10_000)
      const droppedAt = performance.timeOrigin + performance.now()
      await server.stop('SIGKILL')
      server = await startOfficialServer(port)
      await waitFor(async () => {
        for (const id of ids) if ((await host.stats(id)).state !== 'synced') return false
        return true
      }, 20_000, 'every replica to resync after the restart')
      const spreadMs = await firstRetrySpreadMs(host, ids, droppedAt)
      console.log(`jitter ${jitter}: first retries of 30 replicas spread over ${spreadMs.toFixed(0)} ms`)
      // Full jitter: 30 uniform draws in [0, 2000) ms span ~1870 ms on average; none: all at 2000 ms.
      if (jitter === 'full') expect(spreadMs).toBeGreaterThan(500)
      else expect(spreadMs).toBeLessThan(250)
    })
  }

  test('the heartbeat detects a server that stops answering, and the replica comes back when it resumes', async () => {
    server = await startOfficialServer()
    const child = server.child
    await host.connect({ replicaId: 'hb', url: server.url, docName: 'heartbeat', ack: false, heartbeat: { intervalMs: 200, timeoutMs: 1_000 }, backoff: { initialMs: 100, maxMs: 500 } })
    await host.waitSynced('hb', 10_000)
    // The official server ignores queryAwareness; the renewed awareness it echoes keeps the connection alive.
    await new Promise(resolve => setTimeout(resolve, 2_500))
    expect((await host.stats('hb')).connection.filter(e => e.reason === 'heartbeat-timeout')).toEqual([])
    child.kill('SIGSTOP')
    try {
      await waitFor(async () => (await host.stats('hb')).connection.some(e => e.reason === 'heartbeat-timeout'), 5_000, 'a heartbeat-timeout close')
    } finally {
      child.kill('SIGCONT')
    }
    await host.apply('hb', [create('hb', 1)])
    await waitFor(async () => (await host.stats('hb')).state === 'synced', 15_000, 'resync after SIGCONT')
  })

  test('without ack frames the replica reports no-ack and never fakes acks', async () => {
    server = await startOfficialServer()
    await host.connect({ replicaId: 'n', url: server.url, docName: 'acks', ack: true })
    await host.waitSynced('n', 10_000)
    await host.apply('n', [create('n', 1)])
    const stats = await host.stats('n')
    expect(stats.ackMode).toBe('no-ack')
    expect(stats.history[0].ackedAt).toBeUndefined()
    expect(stats.pendingAcks).toBe(1)
    await expect(host.waitAcked('n', 2_000)).rejects.toThrow(/does not acknowledge/)
  })

  test('edits made while the server is down reach it after it comes back', async () => {
    server = await startOfficialServer()
    const port = server.port
    await host.connect({ replicaId: 'off', url: server.url, docName: 'offline', ack: false, backoff: { initialMs: 100, maxMs: 300 } })
    await host.waitSynced('off', 10_000)
    await host.apply('off', [create('off', 1)])
    await server.stop('SIGKILL')
    await waitFor(async () => (await host.stats('off')).state !== 'synced', 5_000, 'the replica to notice the drop')
    await host.apply('off', [create('off', 2), create('off', 3)])
    // The official server keeps rooms in memory: after the restart only the replica's step2 can bring the edits back.
    server = await startOfficialServer(port)
    await waitFor(async () => (await host.stats('off')).state === 'synced', 15_000, 'resync')
    await host.connect({ replicaId: 'fresh', url: server.url, docName: 'offline', ack: false })
    await host.waitSynced('fresh', 10_000)
    await waitFor(async () => (await host.opIds('fresh')).length === 3, 5_000, 'the offline edits at a fresh replica')
    expect((await host.opIds('fresh')).sort()).toEqual(['off:1', 'off:2', 'off:3'])
  })

  test('interop: the reference client and the official WebsocketProvider converge', async () => {
    server = await startOfficialServer()
    await host.connect({ replicaId: 'ref', url: server.url, docName: 'interop', ack: false })
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(server.url, 'interop', doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true })
    try {
      await host.waitSynced('ref', 10_000)
      await waitFor(() => provider.synced, 10_000, 'the official provider to sync')
      await host.apply('ref', [create('ref', 1)])
      applyOp(doc, create('official', 1), 'official')
      await waitFor(async () => (await host.opIds('ref')).length === 2 && opsOf(doc).size === 2, 10_000, 'both ops at both sides')
      expect(await host.digest('ref')).toBe(await digestDoc(doc))
    } finally {
      provider.destroy()
      doc.destroy()
    }
  })
})

test('a Node host refuses browser stores with a clear error', async () => {
  const host = createNodeHost()
  try {
    await expect(host.connect({ replicaId: 'x', url: 'ws://127.0.0.1:9', docName: 'd', store: 'opfs-worker' })).rejects.toThrow(/store 'opfs-worker' is not available/)
    await expect(host.connect({ replicaId: 'bad id', url: 'ws://127.0.0.1:9', docName: 'd' })).rejects.toThrow(/invalid connect options/)
  } finally {
    await host.closeAll()
  }
})
