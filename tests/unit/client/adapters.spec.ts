/**
 * The adapter seam in Node: the generic host over the example LWW adapter
 * (with its JSON relay) and over the y-websocket adapter (with the reference
 * server) converges and records history, acks and seen times; a malformed
 * adapter result fails with one sentence naming the adapter and the field.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { test, expect } from '@playwright/test'
import WebSocket from 'ws'
import { createAdapterHost } from '../../../client/adapter/host.ts'
import { checkAdapter, type Adapter } from '../../../client/adapter/contract.ts'
import type { WebSocketConstructor } from '../../../client/sync-client.ts'
import lww from '../../../examples/lww-todo/adapter.ts'
import yWebsocket from '../../../client/adapters/y-websocket.ts'
import { TargetProcess, freePort } from '../../../fixtures/support/target-process.ts'
import { loadClient } from '../../../fixtures/support/clients.ts'
import { startReferenceServer, waitFor } from './servers.ts'

const ws = WebSocket as unknown as WebSocketConstructor
const create = (replicaId: string, seq: number) => ({ kind: 'create' as const, opId: `${replicaId}:${seq}`, todoId: `${replicaId}-t${seq}`, title: `todo ${seq}` })

const startRelay = async (): Promise<{ url: string, stop: () => Promise<void> }> => {
  const port = await freePort()
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'syncstorm-lww-'))
  const relay = new TargetProcess(`node --import tsx examples/lww-todo/server.ts --port ${port} --data-dir ${dataDir}`, port, {})
  await relay.start()
  return {
    url: `ws://127.0.0.1:${port}`,
    stop: async () => {
      await relay.stop()
      await fs.rm(dataDir, { recursive: true, force: true })
    }
  }
}

/** Two replicas write, update and delete; both end with the same digest and every op of the other. */
const exchange = async (adapter: Adapter, url: string): Promise<void> => {
  const host = createAdapterHost(adapter, ws, 'the test host')
  try {
    for (const replicaId of ['a', 'b']) await host.connect({ replicaId, url, docName: 'adapters' })
    await Promise.all(['a', 'b'].map(async id => { await host.waitSynced(id, 10_000) }))
    await host.apply('a', [create('a', 1), create('a', 2)])
    await host.apply('b', [create('b', 1)])
    await waitFor(async () => (await host.opIds('b')).includes('a:2'), 10_000, 'b to see a:2')
    await host.apply('b', [{ kind: 'update', opId: 'b:2', todoId: 'a-t1' }, { kind: 'delete', opId: 'b:3', todoId: 'a-t2' }])
    await waitFor(async () => (await host.digest('a')) === (await host.digest('b')), 10_000, 'equal digests')
    expect((await host.opIds('a')).sort()).toEqual(['a:1', 'a:2', 'b:1', 'b:2', 'b:3'])
    const stats = await host.stats('a')
    expect(Object.keys(stats.seen).sort()).toEqual(['b:1', 'b:2', 'b:3'])
    expect(stats.connection.map(e => e.state).slice(0, 3)).toEqual(['connecting', 'open', 'synced'])
    expect(stats.bytesOut).toBeGreaterThan(0)
    expect(stats.ackMode).toBe(adapter.capabilities.acks ? 'ack' : 'no-ack')
    if (adapter.capabilities.acks) {
      await host.waitAcked('a', 10_000)
      for (const op of stats.history) expect(op.ackedAt ?? Infinity).toBeGreaterThanOrEqual(op.invokedAt)
    } else {
      // Nothing awaits an ack: the oracle reads the server's state with a fresh client instead.
      expect(stats.pendingAcks).toBe(0)
      expect(stats.history.every(op => op.ackedAt === undefined)).toBe(true)
    }
  } finally {
    await host.closeAll()
  }
}

test('the example LWW adapter converges through its JSON relay, with acks', async () => {
  const relay = await startRelay()
  try {
    await exchange(lww, relay.url)
  } finally {
    await relay.stop()
  }
})

test('the y-websocket adapter converges through the reference server, without acks', async () => {
  const server = await startReferenceServer()
  try {
    await exchange(yWebsocket, server.url)
  } finally {
    await server.stop()
    await fs.rm(server.dataDir, { recursive: true, force: true })
  }
})

test('a malformed adapter result fails with one sentence naming the adapter and the field', async () => {
  const relay = await startRelay()
  const broken: Adapter = {
    ...lww,
    name: 'bad-opids',
    connect: async (options, env) => ({ ...await lww.connect(options, env), opIds: () => 'a:1,a:2' as unknown as string[] })
  }
  const host = createAdapterHost(broken, ws, 'the test host')
  try {
    await host.connect({ replicaId: 'a', url: relay.url, docName: 'malformed' })
    await expect(host.opIds('a')).rejects.toThrow('adapter bad-opids returned opIds as a string; return an array of op id strings.')
  } finally {
    await host.closeAll()
    await relay.stop()
  }
})

test('a malformed adapter module or STRESS_CLIENT gives one clear sentence', async () => {
  expect(() => checkAdapter(undefined, 'empty.ts')).toThrow(/^adapter module empty\.ts has no default export; export default \{ name, capabilities/)
  expect(() => checkAdapter({ name: 'half', capabilities: { acks: true } }, 'half.ts')).toThrow(/^adapter half returned module as an object \(at capabilities\.store: .*\); export default \{ name, capabilities/)
  await expect(loadClient('no-such-client')).rejects.toThrow(/^STRESS_CLIENT=no-such-client is not a shipped adapter \(reference, y-websocket, example-lww/)
  await expect(loadClient('./nowhere/adapter.ts')).rejects.toThrow(/^STRESS_CLIENT=\.\/nowhere\/adapter\.ts: no such file/)
})
