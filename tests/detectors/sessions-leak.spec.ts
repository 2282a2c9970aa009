/**
 * @sessions must report a server that keeps memory per closed connection as
 * leaking, at smoke size and in the main job's passive heap sampling, and
 * must not report healthy servers whose documents grow with their data:
 *   - tests/detectors/targets/connection-leak-server.ts (the official server
 *     plus 64 KiB kept per closed connection) has neither admin API nor
 *     inspector: the suite sees the RSS of its process tree from /proc;
 *   - the reference server (heap after GC, admin API) and the official
 *     @y/websocket-server (RSS only) are healthy.
 * The story is the stress spec's: connect, hold, check, then the sessions end
 * in waves (scenarios/sessions.ts `endSessions`).
 */
import path from 'node:path'
import { test, expect } from '../../fixtures/index.ts'
import { connectSessions, endSessions, recordSessions, sampleServerAround } from '../../scenarios/sessions.ts'
import type { FixturesOf } from './support/fixtures-of.ts'

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const official = `env PORT={port} HOST=127.0.0.1 node ${path.join(repoRoot, 'node_modules/@y/websocket-server/src/server.js')}`
const connectionLeakServer = `env PORT={port} HOST=127.0.0.1 node --import tsx ${path.join(repoRoot, 'tests/detectors/targets/connection-leak-server.ts')}`

/** The @sessions story at the profile's size, as the stress spec tells it. */
const sessionsRun = async ({ profile, swarm, workload, oracle, recorder, target, seed }: FixturesOf<'profile' | 'swarm' | 'workload' | 'oracle' | 'recorder' | 'target' | 'seed'>): Promise<void> => {
  const settings = profile.scenarios.sessions
  const live = await connectSessions({ swarm, recorder }, settings, profile.convergenceDeadlineMs)
  const { before, after } = await sampleServerAround(target, async () => await workload.run(live, settings))
  const result = await oracle.check({ replicas: live })
  await endSessions({ swarm, recorder, target, profile }, live.filter(replica => replica.host.kind === 'node'), seed)
  recordSessions(recorder, live, result, before, after)
}

test.describe('@sessions judges the server per closed connection', () => {
  test.setTimeout(180_000)
  test.describe('a server that keeps 64 KiB per closed connection (RSS only)', () => {
    test.use({ targetSpec: { kind: 'command', command: connectionLeakServer, label: 'official server + 64 KiB per closed connection' } })
    test('is reported leaking', async ({ profile, swarm, workload, oracle, recorder, target, seed }) => {
      await sessionsRun({ profile, swarm, workload, oracle, recorder, target, seed })
      expect(recorder.metrics.figures.serverLeak, recorder.metrics.timeline.map(e => e.event).join('\n')).toBe(1)
      expect(serverLeakBreached(recorder, profile.scenarios.sessions.thresholds)).toBe(true)
    })
  })
  for (const [name, spec] of [['the reference server (heap after GC)', { kind: 'reference' }], ['the official @y/websocket-server (RSS only)', { kind: 'command', command: official, label: 'official' }]] as const) {
    test.describe(name, () => {
      test.use({ targetSpec: spec.kind === 'reference' ? { kind: 'reference', env: {} } : spec })
      test('is not reported leaking', async ({ profile, swarm, workload, oracle, recorder, target, seed }) => {
        await sessionsRun({ profile, swarm, workload, oracle, recorder, target, seed })
        expect(recorder.metrics.figures.serverLeak, recorder.metrics.timeline.map(e => e.event).join('\n')).toBe(0)
        expect(serverLeakBreached(recorder, profile.scenarios.sessions.thresholds)).toBe(false)
      })
    })
  }
})

/** The server leak threshold of a scenario's profile entry breaches, or not. */
const serverLeakBreached = (recorder: FixturesOf<'recorder'>['recorder'], thresholds: Parameters<FixturesOf<'recorder'>['recorder']['judge']>[0]): boolean =>
  recorder.judge(thresholds).breaches.some(b => b.figure === 'serverLeak')

