/**
 * The crash check must report lost writes on a server that keeps documents
 * only in memory (the official @y/websocket-server without persistence), and
 * pass on the durable reference server. The same story as @crash, smaller.
 */
import { test, expect } from '../../fixtures/index.ts'
import { crashSettings, spawnCheckers, writeThroughCrash } from '../../scenarios/crash.ts'
import type { Oracle, OracleResult } from '../../fixtures/oracle.ts'
import type { Recorder } from '../../fixtures/recorder.ts'
import type { Swarm } from '../../fixtures/swarm.ts'
import type { Target } from '../../fixtures/target.ts'
import type { Workload } from '../../fixtures/workload.ts'
import { smallRun } from './support/small-run.ts'

const settings = crashSettings.parse({ ...smallRun, ratePerReplica: 5, faultAtMs: 2_000, downMs: 500 })

const crash = async ({ swarm, workload, oracle, target, recorder }: { swarm: Swarm, workload: Workload, oracle: Oracle, target: Target, recorder: Recorder }): Promise<OracleResult> => {
  const { replicas: writers } = await swarm.spawn(settings, { label: 'writer' })
  const gone = await writeThroughCrash({ swarm, workload, target, recorder }, settings, writers)
  return await oracle.check({ replicas: await spawnCheckers(swarm), gone })
}

test.describe('memory-only server', () => {
  test.use({ targetSpec: { kind: 'command', command: 'env PORT={port} HOST=127.0.0.1 node node_modules/@y/websocket-server/src/server.js', label: '@y/websocket-server (memory)' } })
  test('the crash check reports the writes a memory-only server loses', async ({ swarm, workload, oracle, target, recorder }) => {
    const result = await crash({ swarm, workload, oracle, target, recorder })
    expect(result.verdict.lost.length, result.verdict.message).toBeGreaterThan(0)
    expect(result.verdict.message).toMatch(/acknowledged op\(s\) lost/)
  })
})

test.describe('durable server', () => {
  test.use({ targetSpec: { kind: 'reference', env: {} } })
  test('the crash check passes the durable reference server', async ({ swarm, workload, oracle, target, recorder }) => {
    const result = await crash({ swarm, workload, oracle, target, recorder })
    expect(result.verdict.lost, result.verdict.message).toHaveLength(0)
    expect(result.ok, result.verdict.message).toBe(true)
  })
})
