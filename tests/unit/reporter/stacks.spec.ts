/**
 * The "Stacks side by side" dashboard section: latest result per scenario of
 * each client @ target, n/m for figures a stack could not measure, verdicts
 * shown, nothing with a single stack.
 */
import { test, expect } from '@playwright/test'
import { stacksSection } from '../../../reporter/dashboard/stacks.ts'
import type { HistoryLine } from '../../../reporter/history.ts'

const line = (runId: string, client: string | undefined, target: string | undefined, verdict: 'pass' | 'invalid', figures: Record<string, number>): HistoryLine => ({
  version: 1, runId, time: '2026-11-23T00:00:00Z', gitRevision: null, profile: 'smoke',
  ...(client === undefined ? {} : { client }), ...(target === undefined ? {} : { target }),
  tests: [{ title: 'conflict storm', project: 'chromium', verdict, figures }]
})

test('one column per stack, the latest run of each, n/m where a stack has no figure', () => {
  const html = stacksSection([
    line('r1', 'y-websocket', 'reference', 'pass', { 'propagationMs.p95': 999, convergenceMs: 1 }),
    line('r2', undefined, undefined, 'pass', { 'propagationMs.p95': 20, 'ackMs.p95': 30, lostOps: 0 }),
    line('r3', 'y-websocket', 'reference', 'invalid', { 'propagationMs.p95': 40, lostOps: 0 }),
    line('r4', 'y-websocket', 'official', 'pass', { 'propagationMs.p95': 90, lostOps: 0 })
  ])
  expect(html).toContain('<th>y-websocket @ reference</th><th>reference @ reference</th><th>y-websocket @ official</th>')
  expect(html).toMatch(/<td>conflict storm \[chromium\]<\/td><td>verdict<\/td><td>invalid<\/td><td>pass<\/td><td>pass<\/td>/)
  expect(html).toMatch(/propagationMs\.p95<\/code><\/td><td>40(\.0+)? ms<\/td><td>20(\.0+)? ms<\/td><td>90(\.0+)? ms<\/td>/)
  expect(html).toMatch(/ackMs\.p95<\/code><\/td><td>n\/m<\/td><td>30(\.0+)? ms<\/td><td>n\/m<\/td>/)
  expect(html).not.toContain('999')
})

test('a history with one stack gives no section', () => {
  expect(stacksSection([line('r1', 'reference', 'reference', 'pass', { lostOps: 0 }), line('r2', undefined, undefined, 'pass', { lostOps: 0 })])).toBe('')
})
