/**
 * The reference client against the reference server: durable-write acks,
 * convergence, acked writes surviving a SIGKILL, and the official provider
 * syncing with the reference client through it.
 */
import { test, expect } from '@playwright/test'
import fs from 'node:fs/promises'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { createNodeHost } from '../../../client/harness/node-host.ts'
import { applyOp, opsOf } from '../../../model/todo-doc.ts'
import { digestDoc } from '../../../model/digest.ts'
import { startReferenceServer, waitFor } from './servers.ts'

const create = (replicaId: string, seq: number) => ({ kind: 'create' as const, opId: `${replicaId}:${seq}`, todoId: `${replicaId}-t${seq}`, title: `todo ${seq}` })

type Reference = Awaited<ReturnType<typeof startReferenceServer>>

test.describe('against the reference server', () => {
  let server: Reference | undefined
  const host = createNodeHost()

  test.afterEach(async () => {
    await host.closeAll()
    await server?.stop()
    if (server !== undefined) await fs.rm(server.dataDir, { recursive: true, force: true })
    server = undefined
  })

  test('acks: ackMode is ack, every write gets an ack time, and waitAcked resolves', async () => {
    server = await startReferenceServer()
    const acks: Array<{ opId: string, latencyMs: number }> = []
    await host.connect({ replicaId: 'a', url: server.url, docName: 'acks', ack: true })
    host.client('a').on('ack', event => acks.push(event))
    await host.waitSynced('a', 10_000)
    for (let seq = 1; seq <= 10; seq++) await host.apply('a', [create('a', seq)])
    await host.apply('a', [{ kind: 'read', opId: 'a:11', todoId: 'a-t1' }])
    await host.waitAcked('a', 10_000)
    const stats = await host.stats('a')
    expect(stats.ackMode).toBe('ack')
    expect(stats.pendingAcks).toBe(0)
    const writes = stats.history.filter(op => op.kind !== 'read')
    expect(writes).toHaveLength(10)
    for (const op of writes) expect(op.ackedAt).toBeGreaterThanOrEqual(op.invokedAt)
    expect(acks.map(a => a.opId).sort()).toEqual(writes.map(op => op.opId).sort())
  })

  test('ack=0: the server sends no ack frames and the replica reports no-ack', async () => {
    server = await startReferenceServer()
    await host.connect({ replicaId: 'n', url: server.url, docName: 'no-acks', ack: false })
    await host.waitSynced('n', 10_000)
    await host.apply('n', [create('n', 1)])
    await new Promise(resolve => setTimeout(resolve, 300))
    const stats = await host.stats('n')
    expect(stats.ackMode).toBe('no-ack')
    expect(stats.history[0].ackedAt).toBeUndefined()
  })

  test('writes made offline are acked after reconnect, and acked writes survive a SIGKILL', async () => {
    server = await startReferenceServer()
    const { port, dataDir } = server
    await host.connect({ replicaId: 'w', url: server.url, docName: 'durable', backoff: { initialMs: 100, maxMs: 300 } })
    await host.waitSynced('w', 10_000)
    await host.apply('w', [create('w', 1), create('w', 2)])
    await host.waitAcked('w', 10_000)
    await server.stop('SIGKILL')
    await waitFor(async () => (await host.stats('w')).state !== 'synced', 5_000, 'the replica to notice the kill')
    await host.apply('w', [create('w', 3)])
    expect((await host.stats('w')).pendingAcks).toBe(1)
    server = await startReferenceServer({ port, dataDir })
    await host.waitAcked('w', 15_000)
    await server.stop('SIGKILL')
    server = await startReferenceServer({ port, dataDir })
    await host.connect({ replicaId: 'cold', url: server.url, docName: 'durable' })
    await host.waitSynced('cold', 10_000)
    expect((await host.opIds('cold')).sort()).toEqual(['w:1', 'w:2', 'w:3'])
  })

  test('heartbeat: a frozen server is detected by queryAwareness pings, but not by a client with heartbeat off', async () => {
    server = await startReferenceServer()
    const child = server.child
    const base = { url: server.url, docName: 'heartbeat', backoff: { initialMs: 100, maxMs: 500 } }
    await host.connect({ ...base, replicaId: 'good', heartbeat: { intervalMs: 200, timeoutMs: 1_000 } })
    await host.connect({ ...base, replicaId: 'bad', heartbeat: false })
    await host.waitSynced('good', 10_000)
    await host.waitSynced('bad', 10_000)
    await new Promise(resolve => setTimeout(resolve, 2_000))
    expect((await host.stats('good')).connection.filter(e => e.reason === 'heartbeat-timeout')).toEqual([])
    child.kill('SIGSTOP')
    try {
      await waitFor(async () => (await host.stats('good')).connection.some(e => e.reason === 'heartbeat-timeout'), 5_000, 'a heartbeat-timeout close')
      expect((await host.stats('bad')).state).toBe('synced') // the half-open socket looks fine to it
    } finally {
      child.kill('SIGCONT')
    }
    await host.waitSynced('good', 15_000)
  })

  test('interop: the official WebsocketProvider and the reference client converge through the reference server', async () => {
    server = await startReferenceServer()
    await host.connect({ replicaId: 'ref', url: server.url, docName: 'interop' })
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(server.url, 'interop', doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true })
    try {
      await host.waitSynced('ref', 10_000)
      await waitFor(() => provider.synced, 10_000, 'the official provider to sync')
      await host.apply('ref', [create('ref', 1)])
      applyOp(doc, create('official', 1), 'official')
      await waitFor(async () => (await host.opIds('ref')).length === 2 && opsOf(doc).size === 2, 10_000, 'both ops at both sides')
      expect(await host.digest('ref')).toBe(await digestDoc(doc))
      expect((await host.stats('ref')).seen).toHaveProperty(['official:1'])
    } finally {
      provider.destroy()
      doc.destroy()
    }
  })
})
