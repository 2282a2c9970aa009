/**
 * The faulty relay's ack option and its newer faults, observed with the
 * reference Node client against the relay as a real child process:
 * `--ack` acknowledges (even what it drops), `refuse:N` turns away every Nth
 * upgrade, `slow-after:R:D` turns slow for good after a spike, and
 * `forget-departed` loses a departed writer's acknowledged writes.
 */
import { test, expect } from '@playwright/test'
import { createNodeHost } from '../../../client/harness/node-host.ts'
import type { ReplicaHost } from '../../../client/replica-host.ts'
import { TargetProcess, freePort } from '../../../fixtures/support/target-process.ts'

const create = (replicaId: string, seq: number) => ({ kind: 'create' as const, opId: `${replicaId}:${seq}`, todoId: `${replicaId}-t${seq}`, title: `todo ${seq}` })
const docName = 'relay'

/** Runs `body` against the relay started with `args`, then closes every replica and stops the relay. */
const withRelay = async (args: string, body: (host: ReplicaHost, url: string, relay: TargetProcess) => Promise<void>): Promise<void> => {
  const port = await freePort()
  const relay = new TargetProcess(`node --import tsx tests/detectors/targets/faulty-relay.ts --port ${port} ${args}`, port, {})
  const host = createNodeHost()
  try {
    await relay.start()
    await body(host, `ws://127.0.0.1:${port}`, relay)
  } finally {
    await host.closeAll()
    await relay.stop()
  }
}

/** Time from op invocation at `writer` to its first sight at `observer`. */
const propagationMs = async (host: ReplicaHost, writer: string, observer: string, opId: string): Promise<number> => {
  await expect.poll(async () => (await host.stats(observer)).seen[opId], { timeout: 5_000 }).toBeDefined()
  const invokedAt = (await host.stats(writer)).history.find(op => op.opId === opId)?.invokedAt
  return (await host.stats(observer)).seen[opId] - (invokedAt ?? NaN)
}

test('--ack acknowledges every write, even the ones it drops; without it the client sees no acks', async () => {
  await withRelay('--fault none --ack', async (host, url) => {
    await host.connect({ replicaId: 'a', url, docName })
    await host.waitSynced('a', 5_000)
    await host.apply('a', [create('a', 0), create('a', 1)])
    await host.waitAcked('a', 5_000)
    const stats = await host.stats('a')
    expect(stats.ackMode).toBe('ack')
    expect(stats.history.every(op => op.ackedAt !== undefined)).toBe(true)
  })
  await withRelay('--fault drop-updates:2 --ack', async (host, url) => {
    await host.connect({ replicaId: 'a', url, docName })
    await host.waitSynced('a', 5_000)
    await host.apply('a', [create('a', 0), create('a', 1), create('a', 2)])
    await host.waitAcked('a', 5_000)
    await host.connect({ replicaId: 'fresh', url, docName })
    await host.waitSynced('fresh', 5_000)
    // After the step2 (message 1), a:0 is message 2: dropped yet acked, so a:1 and a:2 wait on it forever.
    expect(await host.opIds('fresh')).toEqual([])
  })
  await withRelay('--fault none', async (host, url) => {
    await host.connect({ replicaId: 'a', url, docName })
    await host.waitSynced('a', 5_000)
    expect((await host.stats('a')).ackMode).toBe('no-ack')
  })
})

test('refuse:3 turns away every third upgrade with 503; the refused replicas retry and sync', async () => {
  await withRelay('--fault refuse:3', async (host, url) => {
    const ids = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5']
    for (const replicaId of ids) await host.connect({ replicaId, url, docName, backoff: { initialMs: 50, maxMs: 200, jitter: 'full' } })
    for (const replicaId of ids) await host.waitSynced(replicaId, 5_000)
    const stats = await Promise.all(ids.map(async id => host.stats(id)))
    // At least 6 upgrades, so at least upgrades 3 and 6 were refused, each costing its replica one retry.
    expect(stats.reduce((sum, s) => sum + s.reconnectAttempts, 0)).toBeGreaterThanOrEqual(2)
    for (const s of stats.filter(s => s.reconnectAttempts > 0)) {
      const firstSynced = s.connection.findIndex(e => e.state === 'synced')
      expect(s.connection.slice(0, firstSynced).some(e => e.state === 'closed' && e.reason.startsWith('connect-failed'))).toBe(true)
    }
  })
})

test('slow-after:20:300 relays at once until a spike, then every update 300 ms late', async () => {
  await withRelay('--fault slow-after:20:300', async (host, url, relay) => {
    for (const replicaId of ['a', 'b']) await host.connect({ replicaId, url, docName, ack: false })
    for (const replicaId of ['a', 'b']) await host.waitSynced(replicaId, 5_000)
    await host.apply('a', [create('a', 0)])
    expect(await propagationMs(host, 'a', 'b', 'a:0')).toBeLessThan(150)
    await host.apply('a', Array.from({ length: 25 }, (_, i) => create('a', i + 1)))
    await expect.poll(async () => (await host.opIds('b')).length, { timeout: 5_000 }).toBe(26)
    expect(relay.output()).toContain('degraded')
    await host.apply('a', [create('a', 26)])
    expect(await propagationMs(host, 'a', 'b', 'a:26')).toBeGreaterThanOrEqual(250)
  })
})

test('forget-departed acks a writer, then loses its writes for later clients once it leaves', async () => {
  await withRelay('--fault forget-departed', async (host, url) => {
    for (const replicaId of ['a', 'b']) await host.connect({ replicaId, url, docName })
    for (const replicaId of ['a', 'b']) await host.waitSynced(replicaId, 5_000)
    await host.apply('a', [create('a', 0), create('a', 1)])
    await host.apply('b', [create('b', 0)])
    await host.waitAcked('a', 5_000)
    await expect.poll(async () => (await host.opIds('b')).length, { timeout: 5_000 }).toBe(3)
    await host.close('a')
    // Let the relay see the close before a new client joins.
    await new Promise(resolve => setTimeout(resolve, 500))
    await host.connect({ replicaId: 'c', url, docName })
    await host.waitSynced('c', 5_000)
    expect(await host.opIds('c')).toEqual(['b:0'])
    expect((await host.opIds('b')).sort()).toEqual(['a:0', 'a:1', 'b:0'])
    // The rebuilt document still relays.
    await host.apply('b', [create('b', 1)])
    await expect.poll(async () => (await host.opIds('c')).sort(), { timeout: 5_000 }).toEqual(['b:0', 'b:1'])
  })
})
