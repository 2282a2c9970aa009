/**
 * The crash check must report lost writes on a server that keeps documents
 * only in memory (the official @y/websocket-server without persistence), and
 * pass on the durable reference server.
 */
import { test, expect } from '../../fixtures/index.ts'
import { runCrashScenario } from '../../fixtures/crash-scenario.ts'
import type { Scenario } from '../../profiles/schema.ts'

const scenario: Scenario = {
  swarm: { contexts: 1, pagesPerContext: 1, replicasPerPage: 2, nodeReplicas: 2 },
  ratePerReplica: 5,
  durationMs: 3_000,
  faultAtMs: 2_000,
  faultDurationMs: 500,
  mix: { create: 40, update: 30, delete: 15, read: 15 },
  thresholds: {}
}

test.describe('memory-only server', () => {
  test.use({ targetSpec: { kind: 'command', command: 'env PORT={port} HOST=127.0.0.1 node node_modules/@y/websocket-server/src/server.js', label: '@y/websocket-server (memory)' } })
  test('the crash check reports the writes a memory-only server loses', async ({ swarm, workload, oracle, recorder, profile, target }) => {
    const result = await runCrashScenario({ swarm, workload, oracle, recorder, profile, target }, scenario)
    expect(result.verdict.lost.length, result.verdict.message).toBeGreaterThan(0)
    expect(result.verdict.message).toMatch(/acknowledged op\(s\) lost/)
  })
})

test.describe('durable server', () => {
  test.use({ targetSpec: { kind: 'reference', env: {} } })
  test('the crash check passes the durable reference server', async ({ swarm, workload, oracle, recorder, profile, target }) => {
    const result = await runCrashScenario({ swarm, workload, oracle, recorder, profile, target }, scenario)
    expect(result.verdict.lost, result.verdict.message).toHaveLength(0)
    expect(result.verdict.ok, result.verdict.message).toBe(true)
  })
})
