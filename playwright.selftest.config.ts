/**
 * The suite's own tests (`npm test`): unit tests in Node, the client's browser
 * tests in real browsers, and the detector self-tests against broken targets.
 * Users stressing their own stack run `playwright.config.ts` instead.
 */
import { defineConfig } from '@playwright/test'
import { browserProjects } from './browsers/projects.ts'

// Self-tests judge detectors, not this machine: a busy CI host must not turn a detector's verdict invalid.
// tests/detectors/generator-health.spec.ts turns the check on for itself. Workers inherit the env.
process.env.STRESS_GENERATOR_CHECK ??= 'off'

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
