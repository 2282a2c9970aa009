/**
 * The leak verdicts must fire on a leaking client and leaking servers within
 * the main job's scenarios at smoke size, and stay quiet on healthy stacks:
 *   - `leakReceivedUpdates` (a deliberate client bug) keeps every received
 *     update with its transaction and decoded structs (a few kB per update);
 *   - tests/detectors/targets/leaky-server.ts keeps every frame it receives,
 *     decoded and copied into each other connection's outbox. It runs without
 *     the admin API, started with `node --inspect=0`: the suite reads its heap
 *     after GC over the inspector, and @soak catches it;
 *   - the reference client and server, and the official @y/websocket-server
 *     (RSS only), keep none of it.
 * The server that keeps something per closed connection is @sessions' to
 * catch (a soak closes no connections): tests/detectors/sessions-leak.spec.ts.
 * A bare Uint8Array per update (≈ 150 B) is below what a one-minute soak can
 * tell from the documents' own growth (≈ 1.3 kB per op and replica): the
 * smoke thresholds sit between that growth and these leaks.
 * The leaking client and server run in one soak (each verdict is about its own
 * heap), the healthy stack in another: two minutes rather than three.
 */
import path from 'node:path'
import { test, expect, run } from '../../fixtures/index.ts'
import { soak } from '../../scenarios/soak.ts'
import type { SpawnOptions } from '../../fixtures/swarm.ts'
import type { FixturesOf } from './support/fixtures-of.ts'

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const leakyServer = `node --inspect=0 --import tsx ${path.join(repoRoot, 'tests/detectors/targets/leaky-server.ts')} --port {port} --data-dir {dataDir} --host 127.0.0.1`
const official = `env PORT={port} HOST=127.0.0.1 node ${path.join(repoRoot, 'node_modules/@y/websocket-server/src/server.js')}`

const describeFits = (recorder: { metrics: { fits?: Record<string, unknown> } }): string => JSON.stringify(recorder.metrics.fits, null, 1)

/** The @soak story at the profile's size, with a knob for the client. */
const soakRun = async ({ profile, swarm, workload, oracle, recorder, heap }: FixturesOf<'profile' | 'swarm' | 'workload' | 'oracle' | 'recorder' | 'heap'>, spawn: SpawnOptions = {}): Promise<void> => {
  const settings = profile.scenarios.soak
  const { replicas } = await swarm.spawn(settings, spawn)
  await soak({ swarm, workload, recorder, heap }, settings, replicas, profile.heap.sampleIntervalMs, test.info().outputPath('soak-partial.json'))
  await oracle.check({ replicas })
  await heap.finish()
}

/** The server leak threshold of a scenario's profile entry breaches, or not. */
const serverLeakBreached = (recorder: FixturesOf<'recorder'>['recorder'], thresholds: Parameters<FixturesOf<'recorder'>['recorder']['judge']>[0]): boolean =>
  recorder.judge(thresholds).breaches.some(b => b.figure === 'serverLeak')

// The soak's leak verdicts need a forced GC before every heap sample.
test.use({ heapSampling: 'gc' })

test.describe('leaking client and server', () => {
  test.use({ targetSpec: { kind: 'command', command: leakyServer, label: 'leaky reference server (inspector)' } })
  test('the client and server leak verdicts fire within the smoke soak', async ({ profile, swarm, workload, oracle, recorder, heap }) => {
    test.setTimeout(180_000)
    await soakRun({ profile, swarm, workload, oracle, recorder, heap }, { connect: { leakReceivedUpdates: true } })
    expect(recorder.metrics.figures.clientLeaks, describeFits(recorder)).toBe(profile.scenarios.soak.swarm.contexts)
    expect(recorder.metrics.figures.serverLeak, describeFits(recorder)).toBe(1)
    expect(recorder.metrics.fits?.['server.heapBytes']?.leak, 'judged on the heap read over the inspector').toBe(true)
    const { verdict, breaches } = recorder.judge(profile.scenarios.soak.thresholds)
    expect(verdict).toBe('fail')
    expect(breaches.map(b => b.figure).sort()).toEqual(['clientLeaks', 'serverLeak'])
    const snapshots = test.info().attachments.filter(a => a.name.endsWith('.heapsnapshot'))
    expect(snapshots, 'one heap snapshot of the leaking page is attached').toHaveLength(1)
    // The format DevTools and MemLab read: a `snapshot.meta` header, then flat node and edge arrays.
    const snapshot = JSON.parse(snapshots[0]!.body!.toString()) as { snapshot: { meta: { node_fields: string[] }, node_count: number }, nodes: number[] }
    expect(snapshot.snapshot.meta.node_fields).toContain('self_size')
    expect(snapshot.nodes.length).toBe(snapshot.snapshot.node_count * snapshot.snapshot.meta.node_fields.length)
  })
})

test.describe('healthy reference stack', () => {
  test('no leak verdict on the reference client and server', async ({ profile, swarm, workload, oracle, recorder, heap }) => {
    test.setTimeout(180_000)
    await soakRun({ profile, swarm, workload, oracle, recorder, heap })
    expect(recorder.metrics.figures.clientLeaks, describeFits(recorder)).toBe(0)
    expect(recorder.metrics.figures.serverLeak, describeFits(recorder)).toBe(0)
    const { verdict } = recorder.judge(profile.scenarios.soak.thresholds)
    expect(verdict, recorder.metrics.verdictReasons.join('\n')).toBe('pass')
  })
})

test.describe('healthy official server, RSS only', () => {
  test.use({ targetSpec: { kind: 'command', command: official, label: 'official' } })
  test('no leak verdict on the official @y/websocket-server from its RSS', async ({ profile, swarm, workload, oracle, recorder, heap }) => {
    test.setTimeout(180_000)
    await soakRun({ profile, swarm, workload, oracle, recorder, heap })
    expect(recorder.metrics.figures.serverLeak, describeFits(recorder)).toBe(0)
    expect(recorder.metrics.notMeasurable.serverHeapSlopeBytesPerMin?.reason).toMatch(/--inspect=0/)
    expect(serverLeakBreached(recorder, profile.scenarios.soak.thresholds)).toBe(false)
  })
})

test.describe('a soak too short for a leak verdict', () => {
  test.use({ profile: { ...run.profile, scenarios: { ...run.profile.scenarios, soak: { ...run.profile.scenarios.soak, durationMs: 5_000 } } } })
  test('is a suite error, never a pass', async ({ profile, swarm, workload, oracle, recorder, heap }) => {
    await soakRun({ profile, swarm, workload, oracle, recorder, heap })
    const { verdict, reasons } = recorder.judge(profile.scenarios.soak.thresholds)
    expect(verdict).toBe('error')
    expect(reasons.join('\n')).toMatch(/too few (page|server) heap samples for a leak verdict/)
    expect(reasons.join('\n')).toMatch(/did not record clientLeaks/)
  })
})
