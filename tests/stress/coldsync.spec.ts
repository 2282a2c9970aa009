import { test, expectVerdict } from '../../fixtures/index.ts'
import { clientOptions } from '../../fixtures/convergence-scenario.ts'
import { recordConvergence } from '../../fixtures/verdict.ts'
import { firstSyncMs } from '../../oracle/figures.ts'
import type { WorkloadOp } from '../../model/todo-doc.ts'

test('cold sync: fresh replicas load a large preloaded document', { tag: '@coldsync' }, async ({ swarm, oracle, recorder, profile, target, client }) => {
  const scenario = profile.scenarios.coldsync
  const items = scenario.preloadItems ?? 1_000
  const connect = clientOptions(profile)

  await test.step(`arrange: preload ${items} todos on the target`, async () => {
    // The client under test preloads: another stack's server may not speak the reference protocol.
    const loader = client.createNodeHost()
    try {
      await loader.connect({ ...connect, replicaId: 'preloader', url: target.url, docName: target.docName })
      await loader.waitSynced('preloader', 15_000)
      const batch = 500
      for (let i = 0; i < items; i += batch) {
        const ops: WorkloadOp[] = Array.from({ length: Math.min(batch, items - i) }, (_, j) => ({ kind: 'create', opId: `preloader:${i + j}`, todoId: `pre-${i + j}`, title: `preloaded todo ${i + j} ${'x'.repeat(40)}` }))
        await loader.apply('preloader', ops)
      }
      await loader.waitAcked('preloader', 30_000).catch(() => {})
      // Without acks, wait until the server's view (as a second client sees it) holds everything.
      await loader.connect({ ...connect, replicaId: 'preload-check', url: target.url, docName: target.docName })
      const deadline = Date.now() + 30_000
      while ((await loader.opIds('preload-check')).length < items && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
      recorder.mark(`preloaded ${items} todos`)
    } finally {
      await loader.closeAll()
    }
  })

  const { replicas } = await test.step('workload: fresh replicas join and load it', async () => {
    return await swarm.spawn({ shape: scenario.swarm, batch: profile.contextBatch, connect, waitSyncedMs: 60_000, label: 'cold' })
  })

  await test.step('quiesce: check every replica loaded the same document', async () => {
    const stats = await swarm.stats(replicas)
    recorder.histogram('coldLoadMs', firstSyncMs(stats))
    recorder.figure('coldLoadBytesPerReplica', stats.reduce((n, s) => n + s.bytesIn, 0) / Math.max(1, stats.length))
    recorder.figure('preloadItems', items)
    const preloaded = Array.from({ length: items }, (_, i) => `preloader:${i}`)
    const result = await oracle.check({ replicas, deadlineMs: profile.convergenceDeadlineMs, ackDeadlineMs: profile.ackDeadlineMs, connect, invokedElsewhere: preloaded })
    recordConvergence(recorder, result, replicas.length)
  })
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, scenario.thresholds) })
})
