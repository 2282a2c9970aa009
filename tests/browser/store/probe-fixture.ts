/**
 * Fixtures of the store tests: the harness server (worker-scoped, closed after
 * the worker's tests even when they fail) and a page with `window.storeProbe`.
 */
import type { Page } from '@playwright/test'
import { test as base } from '../../../fixtures/base.ts'
import { serveHarness, type HarnessServer } from '../../../client/harness/serve.ts'

export interface ProbeFixtures {
  /** A page of the store-probe test page, loaded and ready. */
  probePage: Page
}

export interface ProbeWorkerFixtures {
  harnessServer: HarnessServer
}

/** Loads (or reloads) the probe page and waits until its API is there. */
export const openProbe = async (page: Page, server: HarnessServer): Promise<void> => {
  await page.goto(server.testPageUrl('store-probe'))
  await page.waitForFunction(() => window.storeProbe !== undefined, undefined, { timeout: 10_000 })
}

export const test = base.extend<ProbeFixtures, ProbeWorkerFixtures>({
  harnessServer: [async ({}, use) => {
    const server = await serveHarness()
    try {
      await use(server)
    } finally {
      await server.close()
    }
  }, { scope: 'worker' }],
  probePage: async ({ page, harnessServer }, use) => {
    const errors: string[] = []
    page.on('pageerror', err => errors.push(err.message))
    await openProbe(page, harnessServer)
    await use(page)
    if (errors.length > 0) test.info().annotations.push({ type: 'page errors', description: errors.join('\n') })
  }
})

export { expect } from '../../../fixtures/base.ts'
