/**
 * The suite's own tests (`npm test`): unit tests in Node, the client's browser
 * tests in real browsers, and the detector self-tests against broken targets.
 * Users stressing their own stack run `playwright.config.ts` instead.
 */
import { defineConfig } from '@playwright/test'
import { browserProjects } from './browsers/projects.ts'

export default defineConfig({
  testDir: './tests',
  testIgnore: ['stress/**'],
  timeout: 120_000,
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['./tests/support/summary-line-reporter.ts']],
  use: { trace: 'retain-on-failure' },
  projects: [
    { name: 'unit', testDir: './tests/unit' },
    ...browserProjects({ testDir: './tests/browser' }),
    // Detector self-tests drive real Chromium replicas against broken targets.
    { ...browserProjects({ testDir: './tests/detectors' })[0], name: 'detectors' }
  ]
})
