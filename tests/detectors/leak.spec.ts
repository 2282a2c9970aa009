/**
 * The leak verdicts must fire on a leaking client and a leaking server within
 * the smoke soak, and stay quiet on the healthy reference stack:
 *   - `leakReceivedUpdates` (a deliberate client bug) keeps every received
 *     update with its transaction and decoded structs (a few kB per update);
 *   - tests/detectors/targets/leaky-server.ts keeps every message it handles,
 *     decoded and copied into each other connection's outbox;
 *   - the reference client and server keep neither.
 * A bare Uint8Array per update (≈ 150 B) is below what a one-minute soak can
 * tell from the documents' own growth (≈ 1.3 kB per op and replica): the
 * smoke thresholds sit between that growth and these leaks.
 * The leaking client and server run in one soak (each verdict is about its own
 * heap), the healthy stack in another: two minutes rather than three.
 */
import path from 'node:path'
import { test, expect } from '../../fixtures/index.ts'
import { runSoakScenario } from '../../fixtures/soak-scenario.ts'

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const leakyServer = `node --expose-gc --import tsx ${path.join(repoRoot, 'tests/detectors/targets/leaky-server.ts')} --port {port} --data-dir {dataDir} --host 127.0.0.1`

const describeFits = (recorder: { metrics: { fits?: Record<string, unknown> } }): string => JSON.stringify(recorder.metrics.fits, null, 1)

test.describe('leaking client and server', () => {
  test.use({ targetSpec: { kind: 'command', command: leakyServer, label: 'leaky reference server', admin: true } })
  test('the client and server leak verdicts fire within the smoke soak', async ({ swarm, workload, oracle, recorder, profile, heap }) => {
    test.setTimeout(180_000)
    await runSoakScenario({ swarm, workload, oracle, recorder, profile, heap }, profile.scenarios.soak, { leakReceivedUpdates: true })
    expect(recorder.metrics.figures.clientLeaks, describeFits(recorder)).toBe(profile.scenarios.soak.swarm.contexts)
    expect(recorder.metrics.figures.serverLeak, describeFits(recorder)).toBe(1)
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
  test('no leak verdict on the reference client and server', async ({ swarm, workload, oracle, recorder, profile, heap }) => {
    test.setTimeout(180_000)
    await runSoakScenario({ swarm, workload, oracle, recorder, profile, heap }, profile.scenarios.soak)
    expect(recorder.metrics.figures.clientLeaks, describeFits(recorder)).toBe(0)
    expect(recorder.metrics.figures.serverLeak, describeFits(recorder)).toBe(0)
    const { verdict } = recorder.judge(profile.scenarios.soak.thresholds)
    expect(verdict, recorder.metrics.verdictReasons.join('\n')).toBe('pass')
  })
})
