/**
 * Merging sharded runs (DESIGN §8): every CI shard runs the stress scenarios
 * with `--reporter=blob`; this config turns all their blob reports into one
 * Playwright HTML report and one syncstorm dashboard, as a single run would:
 *
 *   npx playwright merge-reports --config merge.config.ts ./all-blob-reports
 *
 * The syncstorm reporter merges the raw histograms the tests attached, so the
 * percentiles are exact across shards (never averaged).
 */
import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: './tests/stress',
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'playwright-report' }],
    ['./reporter/index.ts'],
    ...(process.env.CI ? [['junit', { outputFile: 'test-results/junit.xml' }] as ['junit', { outputFile: string }]] : [])
  ]
})
