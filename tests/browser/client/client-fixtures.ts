/**
 * Fixtures of the client's browser tests: the static harness server
 * (worker-scoped) and a real sync server per test that can be killed and
 * restarted on the same port and data dir. Both stop in teardown even when
 * the test fails.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { BrowserContext, Page } from '@playwright/test'
import { test as base } from '../../../fixtures/base.ts'
import { serveHarness, type HarnessServer } from '../../../client/harness/serve.ts'
import { startReferenceServer, type ServerProcess } from '../../unit/client/servers.ts'

export interface Target {
  /** ws://127.0.0.1:port, stable across restarts */
  url: string
  /** SIGKILLs the server. */
  kill: () => Promise<void>
  /** Starts it again on the same port and data dir. */
  restart: () => Promise<void>
}

export const test = base.extend<{ target: Target }, { harness: HarnessServer }>({
  harness: [async ({}, use) => {
    const harness = await serveHarness()
    try {
      await use(harness)
    } finally {
      await harness.close()
    }
  }, { scope: 'worker' }],
  target: async ({}, use) => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'syncstorm-client-browser-'))
    let server: ServerProcess = await startReferenceServer({ dataDir })
    const port = server.port
    try {
      await use({
        url: server.url,
        kill: async () => server.stop('SIGKILL'),
        restart: async () => { server = await startReferenceServer({ port, dataDir }) }
      })
    } finally {
      await server.stop()
      await fs.rm(dataDir, { recursive: true, force: true })
    }
  }
})
export { expect } from '../../../fixtures/base.ts'

/** Opens the harness page in a context and waits until `window.syncstorm` is there. */
export const openHarness = async (context: BrowserContext, harness: HarnessServer): Promise<Page> => {
  const page = await context.newPage()
  await page.goto(harness.harnessUrl)
  await page.waitForFunction(() => document.title === 'syncstorm harness ready')
  return page
}
