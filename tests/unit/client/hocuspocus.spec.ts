/**
 * The shipped Hocuspocus stack in Node: replicas of the `hocuspocus` adapter
 * (the official provider on `ws`) converge through stacks/hocuspocus/server.ts,
 * report their connection as the contract asks, and what they wrote is in the
 * server's files after a graceful stop (its store runs the pending debounced
 * saves), where a fresh replica finds it after the restart.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { test, expect } from '@playwright/test'
import WebSocket from 'ws'
import { createAdapterHost } from '../../../client/adapter/host.ts'
import type { WebSocketConstructor } from '../../../client/sync-client.ts'
import hocuspocus from '../../../client/adapters/hocuspocus.ts'
import { TargetProcess, freePort } from '../../../fixtures/support/target-process.ts'
import { exchangeTwoReplicas } from './servers.ts'

const ws = WebSocket as unknown as WebSocketConstructor

test('hocuspocus replicas converge through the shipped server, and a graceful stop keeps what they wrote', async () => {
  const port = await freePort()
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'syncstorm-hocuspocus-'))
  const server = new TargetProcess(`node --import tsx stacks/hocuspocus/server.ts --port ${port} --data-dir ${dataDir}`, port, {})
  const url = `ws://127.0.0.1:${port}`
  const host = createAdapterHost(hocuspocus, ws, 'the test host')
  try {
    await server.start()
    const digest = await exchangeTwoReplicas(host, url, 'hocuspocus/doc 1')
    await host.closeAll()

    // SIGTERM: the server's own handler runs the debounced store before it exits.
    expect(await server.stop()).toEqual({ code: 0, signal: null })
    expect(await fs.readdir(dataDir)).toEqual([`${encodeURIComponent('hocuspocus/doc 1')}.ydoc`])
    await server.start()
    await host.connect({ replicaId: 'fresh', url, docName: 'hocuspocus/doc 1' })
    await host.waitSynced('fresh', 10_000)
    expect(await host.digest('fresh')).toBe(digest)
  } finally {
    await host.closeAll()
    await server.stop()
    await fs.rm(dataDir, { recursive: true, force: true })
  }
})
