/**
 * The convergence oracle must fire on broken targets and pass on healthy ones
 * (DEVELOPERS.md: every detector is shown to fire). Broken targets are real
 * servers started through STRESS_TARGET_CMD-style command targets.
 */
import path from 'node:path'
import { test, expect } from '../../fixtures/index.ts'
import { runConvergenceScenario } from '../../fixtures/convergence-scenario.ts'
import type { Scenario } from '../../profiles/schema.ts'

const relay = path.resolve('tests/detectors/targets/faulty-relay.ts')
const faulty = (fault: string): string => `node --import tsx ${relay} --port {port} --fault ${fault}`

/** Small and short: a browser page with two replicas plus two Node replicas. */
const scenario: Scenario = {
  swarm: { contexts: 1, pagesPerContext: 1, replicasPerPage: 2, nodeReplicas: 2 },
  ratePerReplica: 4,
  durationMs: 3_000,
  mix: { create: 40, update: 30, delete: 15, read: 15 },
  thresholds: {}
}

const broken = [
  { fault: 'drop-updates:7', expectText: /op\(s\) the server does not/ },
  { fault: 'starve-client:2', expectText: /lacks \d+ op\(s\) the server has/ },
  { fault: 'reorder-first-doc', expectText: /differ from the server's state/ }
]

for (const { fault, expectText } of broken) {
  test.describe(`broken target ${fault}`, () => {
    test.use({ targetSpec: { kind: 'command', command: faulty(fault), label: `faulty-relay ${fault}` } })
    test(`the oracle reports the fault of a server with ${fault}`, async ({ swarm, workload, oracle, recorder, profile }) => {
      const result = await runConvergenceScenario({ swarm, workload, oracle, recorder, profile: { ...profile, convergenceDeadlineMs: 5_000 } }, scenario)
      expect(result.verdict.ok && result.convergenceMs !== null, 'the oracle passed a broken server').toBe(false)
      expect(result.verdict.message).toMatch(expectText)
      await test.info().attach('oracle-message.txt', { body: result.verdict.message })
    })
  })
}

const healthy = [
  { name: 'the reference server', spec: { kind: 'reference' as const, env: {} } },
  { name: 'the official @y/websocket-server', spec: { kind: 'command' as const, command: 'env PORT={port} HOST=127.0.0.1 node node_modules/@y/websocket-server/src/server.js', label: '@y/websocket-server' } },
  { name: 'a correct relay (the faulty relay with no fault)', spec: { kind: 'command' as const, command: faulty('none'), label: 'faulty-relay none' } }
]

for (const { name, spec } of healthy) {
  test.describe(`healthy target: ${name}`, () => {
    test.use({ targetSpec: spec })
    test(`the oracle passes ${name}`, async ({ swarm, workload, oracle, recorder, profile }) => {
      const result = await runConvergenceScenario({ swarm, workload, oracle, recorder, profile }, scenario)
      expect(result.verdict.message).toMatch(/^converged/)
      expect(result.convergenceMs).not.toBeNull()
      expect(result.verdict.lost).toHaveLength(0)
      expect(result.history.writes).toBeGreaterThan(10)
    })
  })
}
