/**
 * The shipped Automerge stack in Node: replicas of the `automerge` adapter
 * (automerge-repo on the suite's counting `ws` class) converge through
 * stacks/automerge/server.ts, report their connection and remote ops as the
 * contract asks, and a graceful stop writes what they wrote, where a fresh
 * replica finds it after the restart. Without the stack installed the
 * suite says so in one sentence (and the convergence test is skipped).
 */
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { test, expect } from '@playwright/test'
import WebSocket from 'ws'
import { createAdapterHost } from '../../../client/adapter/host.ts'
import { checkAdapter } from '../../../client/adapter/contract.ts'
import { stackMissing } from '../../../client/adapter/stacks.ts'
import type { WebSocketConstructor } from '../../../client/sync-client.ts'
import { TargetProcess, freePort } from '../../../fixtures/support/target-process.ts'
import { exchangeTwoReplicas, waitFor } from './servers.ts'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..')
const installed = fs.existsSync(path.join(root, 'stacks/automerge/node_modules'))

test('a stack that is not installed names its install command in one sentence', async () => {
  const fake = await fsp.mkdtemp(path.join(os.tmpdir(), 'syncstorm-stacks-'))
  try {
    await fsp.mkdir(path.join(fake, 'stacks/am'), { recursive: true })
    await fsp.writeFile(path.join(fake, 'stacks/am/package.json'), '{}')
    expect(stackMissing(fake, 'stacks/am/adapter.ts')).toBe('the am stack is not installed: run `npm run setup:am` (it installs stacks/am/\'s own dependencies and builds its harness page).')
    expect(stackMissing(fake, 'client/adapters/y-websocket.ts')).toBeUndefined()
    await fsp.mkdir(path.join(fake, 'stacks/am/node_modules'))
    expect(stackMissing(fake, 'stacks/am/adapter.ts')).toBeUndefined()
  } finally {
    await fsp.rm(fake, { recursive: true, force: true })
  }
})

test('automerge replicas converge through the shipped server, and a graceful stop keeps what they wrote', async () => {
  test.skip(!installed, 'the automerge stack is not installed: npm run setup:automerge')
  // By path at run time: the stack is outside the root typecheck, which must pass without it.
  const adapter = checkAdapter((await import(pathToFileURL(path.join(root, 'stacks/automerge/adapter.ts')).href) as { default: unknown }).default, 'automerge')
  const port = await freePort()
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'syncstorm-automerge-'))
  const server = new TargetProcess(`node --import tsx stacks/automerge/server.ts --port ${port} --data-dir ${dataDir}`, port, {})
  const url = `ws://127.0.0.1:${port}`
  const host = createAdapterHost(adapter, WebSocket as unknown as WebSocketConstructor, 'the test host')
  try {
    await server.start()
    // Two replicas open the new room at once: the shared genesis keeps them on one document.
    const digest = await exchangeTwoReplicas(host, url, 'automerge/doc 1')
    await host.closeAll()

    expect(await server.stop()).toEqual({ code: 0, signal: null })
    await server.start()
    await host.connect({ replicaId: 'fresh', url, docName: 'automerge/doc 1' })
    await host.waitSynced('fresh', 10_000)
    await waitFor(async () => (await host.digest('fresh')) === digest, 5_000, 'the fresh replica to hold the document')
    // Another room is another document.
    await host.connect({ replicaId: 'other', url, docName: 'automerge/doc 2' })
    await host.waitSynced('other', 10_000)
    expect(await host.opIds('other')).toEqual([])
  } finally {
    await host.closeAll()
    await server.stop()
    await fsp.rm(dataDir, { recursive: true, force: true })
  }
})
