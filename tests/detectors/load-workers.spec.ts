/**
 * A small @sessions over 2 load workers (child processes holding the Node
 * replicas): it delivers, the workers' encoded delivery histograms merge
 * exactly into what the runner computes from every replica's stats, and no
 * worker outlives the swarm that started it.
 */
import { test, expect } from '../../fixtures/index.ts'
import { connectSessions, mergedNodeDelivery, workerFigures } from '../../scenarios/sessions.ts'
import { historyFigures } from '../../oracle/figures.ts'
import { stillRunning } from '../support/processes.ts'

test.describe.serial('200 sessions over 2 load workers', () => {
  let pids: number[] = []

  test('deliver, and their histograms merge exactly with the runner\'s', async ({ profile, swarm, workload, oracle, recorder }) => {
    const settings = { ...profile.scenarios.sessions, swarm: { ...profile.scenarios.sessions.swarm, nodeReplicas: 200 }, loadWorkers: 2, browserSwarm: undefined, durationMs: 3_000 }
    const live = await connectSessions({ swarm, recorder }, settings, profile.convergenceDeadlineMs)
    pids = swarm.loadWorkers().map(w => w.pid)
    expect(pids).toHaveLength(2)
    expect(new Set(live.map(r => r.host.id))).toEqual(new Set(['node-w0', 'node-w1']))
    expect(recorder.metrics.figures.sessions).toBe(200)
    await workload.run(live, settings)
    const result = await oracle.check({ replicas: live })
    expect(result.ok, result.verdict.message).toBe(true)
    const workers = await workerFigures(swarm)
    expect(workers.map(w => w.replicas)).toEqual([100, 100])
    const merged = mergedNodeDelivery(result.stats, () => true, workers)
    expect(merged.count).toBeGreaterThan(0)
    expect(merged.count).toBe(workers[0]!.deliveryMs.count + workers[1]!.deliveryMs.count)
    // Whole rooms per worker: every (op, observer) pair is in one worker, so the merge is what the runner computes from every replica's stats.
    const fromStats = historyFigures(result.stats).propagation
    expect(merged.count).toBe(fromStats.count)
    for (const p of [50, 95, 99, 100]) expect(merged.percentile(p)).toBe(fromStats.percentile(p))
  })

  test('no worker is left once the swarm is torn down', async () => {
    expect(pids).toHaveLength(2)
    expect(await stillRunning(pids, 5_000)).toEqual([])
  })
})
