/**
 * The convergence oracle must fire on broken targets and pass on healthy ones
 * (DEVELOPERS.md: every detector is shown to fire). Broken targets are real
 * servers started through STRESS_TARGET_CMD-style command targets.
 */
import path from 'node:path'
import { test, expect } from '../../fixtures/index.ts'
import { converge, smallRun } from './support/small-run.ts'

const relay = path.resolve('tests/detectors/targets/faulty-relay.ts')
const faulty = (fault: string): string => `node --import tsx ${relay} --port {port} --fault ${fault}`

const broken = [
  { fault: 'drop-updates:7', expectText: /op\(s\) the server does not/ },
  { fault: 'starve-client:2', expectText: /lacks \d+ op\(s\) the server has/ },
  { fault: 'reorder-first-doc', expectText: /differ from the server's state/ }
]

for (const { fault, expectText } of broken) {
  test.describe(`broken target ${fault}`, () => {
    test.use({ targetSpec: { kind: 'command', command: faulty(fault), label: `faulty-relay ${fault}` } })
    test(`the oracle reports the fault of a server with ${fault}`, async ({ swarm, workload, oracle, recorder }) => {
      const result = await converge({ swarm, workload, oracle }, undefined, {}, { deadlineMs: 5_000 })
      expect(result.ok, 'the oracle passed a broken server').toBe(false)
      expect(result.verdict.message).toMatch(expectText)
      expect(recorder.metrics.verdict).toBe('fail')
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
    test(`the oracle passes ${name}`, async ({ swarm, workload, oracle }) => {
      const result = await converge({ swarm, workload, oracle })
      expect(result.verdict.message).toMatch(/^converged/)
      expect(result.ok).toBe(true)
      expect(result.verdict.lost).toHaveLength(0)
      expect(result.history.writes).toBeGreaterThan(10)
    })
  })
}

test.describe('rooms', () => {
  test.use({ targetSpec: { kind: 'command', command: faulty('starve-client:2'), label: 'faulty-relay starve-client:2' } })
  test('the oracle judges every room on its own and names the room that failed', async ({ swarm, workload, oracle }) => {
    // Three rooms of two: the second replica of every room is starved.
    const result = await converge({ swarm, workload, oracle }, { ...smallRun, swarm: { contexts: 0, pagesPerContext: 1, replicasPerPage: 1, nodeReplicas: 6 }, rooms: { perRoom: 2, spread: 'fill' } }, {}, { deadlineMs: 4_000 })
    expect(result.rooms).toHaveLength(3)
    expect(result.rooms.every(r => !r.verdict.ok)).toBe(true)
    expect(result.verdict.message).toMatch(/3 of 3 rooms failed the check:\nroom [^:]+-room0: /)
  })
})
