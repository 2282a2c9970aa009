/**
 * Prints one closing line, `N passed, N failed, N skipped`, that CI reads.
 * Flaky tests (passed on retry) count as passed; timed out and interrupted as failed.
 */
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter'

export default class SummaryLineReporter implements Reporter {
  private readonly outcomes = new Map<TestCase, TestResult['status']>()

  onTestEnd (test: TestCase, result: TestResult): void {
    this.outcomes.set(test, result.status)
  }

  printsToStdio (): boolean {
    return true
  }

  onEnd (): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const status of this.outcomes.values()) {
      if (status === 'passed') passed++
      else if (status === 'skipped') skipped++
      else failed++
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
