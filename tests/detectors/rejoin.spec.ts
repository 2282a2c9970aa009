/**
 * The rejoin check must report the writes lost by a server that unloads a
 * room with its debounced save still pending (tests/detectors/targets/
 * debounced-server.ts: it acknowledges at once, saves after 2 s of quiet, and
 * drops that save when the last client leaves or it stops), and pass the
 * reference server, which acknowledges only what it flushed. The same stories
 * as @rejoin, smaller: rooms that stay empty 3 s, and a graceful restart.
 */
import path from 'node:path'
import { test, expect } from '../../fixtures/index.ts'
import { writeThroughCrash } from '../../scenarios/crash.ts'
import { recordLeavers, rejoinSettings, settleAndLeave, spawnJoiners, stayEmpty } from '../../scenarios/rejoin.ts'
import type { OracleResult } from '../../fixtures/oracle.ts'
import type { FixturesOf } from './support/fixtures-of.ts'
import { smallRun } from './support/small-run.ts'

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const debouncedServer = `node --import tsx ${path.join(repoRoot, 'tests/detectors/targets/debounced-server.ts')} --port {port} --data-dir {dataDir} --host 127.0.0.1`

// Two rooms of two (a page's replica and a Node replica each); SIGTERM 2 s into 3 s of writes.
const settings = rejoinSettings.parse({ ...smallRun, rooms: { perRoom: 2 }, emptyMs: [3_000], faultAtMs: 2_000, downMs: 500 })

type Run = FixturesOf<'profile' | 'swarm' | 'workload' | 'oracle' | 'recorder' | 'target'>

/** Write, every replica leaves, the rooms stay empty, fresh replicas join. */
const rejoin = async ({ profile, swarm, workload, oracle, recorder }: Run): Promise<OracleResult> => {
  const { replicas: writers } = await swarm.spawn(settings, { label: 'writer' })
  await workload.run(writers, settings)
  const left = await settleAndLeave({ swarm, recorder }, profile, writers)
  recordLeavers(recorder, left)
  await stayEmpty(recorder, settings.emptyMs[0]!)
  return await oracle.check({ replicas: await spawnJoiners(swarm, settings), gone: left })
}

/** Write, SIGTERM mid-writes, close the writers, start again, fresh replicas join. */
const restart = async ({ swarm, workload, oracle, recorder, target }: Run): Promise<OracleResult> => {
  const { replicas: writers } = await swarm.spawn(settings, { label: 'writer' })
  const left = await writeThroughCrash({ swarm, workload, target, recorder }, settings, writers, 'SIGTERM')
  recordLeavers(recorder, left)
  return await oracle.check({ replicas: await spawnJoiners(swarm, settings), gone: left })
}

test.describe('a server that unloads an empty room with its save pending', () => {
  test.use({ targetSpec: { kind: 'command', command: debouncedServer, label: 'debounced reference server', admin: true } })
  test('the rejoin check reports the acknowledged writes dropped with the unload', async ({ profile, swarm, workload, oracle, recorder, target }) => {
    const result = await rejoin({ profile, swarm, workload, oracle, recorder, target })
    expect(result.verdict.lost.length, result.verdict.message).toBeGreaterThan(0)
    expect(result.verdict.message).toMatch(/acknowledged op\(s\) lost/)
  })
  test('the graceful restart reports the acknowledged writes dropped with the stop', async ({ profile, swarm, workload, oracle, recorder, target }) => {
    const result = await restart({ profile, swarm, workload, oracle, recorder, target })
    expect(result.verdict.lost.length, result.verdict.message).toBeGreaterThan(0)
    expect(result.verdict.message).toMatch(/acknowledged op\(s\) lost/)
  })
})

test.describe('durable server', () => {
  test.use({ targetSpec: { kind: 'reference', env: {} } })
  test('the rejoin check passes the reference server', async ({ profile, swarm, workload, oracle, recorder, target }) => {
    const result = await rejoin({ profile, swarm, workload, oracle, recorder, target })
    expect(result.ok, result.verdict.message).toBe(true)
  })
  test('the graceful restart passes the reference server', async ({ profile, swarm, workload, oracle, recorder, target }) => {
    const result = await restart({ profile, swarm, workload, oracle, recorder, target })
    expect(result.ok, result.verdict.message).toBe(true)
  })
})
