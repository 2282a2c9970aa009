/**
 * The stress run (`npx playwright test`): the scenarios in tests/stress
 * against the target, once per browser project. Sizes and thresholds come
 * from the profile (STRESS_PROFILE, default smoke).
 */
import { defineConfig } from '@playwright/test'
import { browserProjects } from './browsers/projects.ts'

// One seed for the whole run, shared by every worker (they inherit the env).
process.env.STRESS_SEED ??= String(Math.floor(Math.random() * 2 ** 31))

export default defineConfig({
  testDir: './tests/stress',
  timeout: 10 * 60_000,
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'playwright-report' }],
    ['./reporter/index.ts'],
    ...(process.env.CI ? [['junit', { outputFile: 'test-results/junit.xml' }] as ['junit', { outputFile: string }]] : [])
  ],
  use: { trace: 'retain-on-failure' },
  projects: browserProjects()
})
