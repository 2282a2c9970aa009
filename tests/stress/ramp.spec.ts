import { test, expectVerdict } from '../../fixtures/index.ts'
import { clientOptions } from '../../fixtures/convergence-scenario.ts'
import { recordConvergence } from '../../fixtures/verdict.ts'
import type { Replica } from '../../fixtures/swarm.ts'
import { GeneratorHealth } from '../../metrics/generator-health.ts'

test('ramp: replicas join in stages while everyone writes, then hold at the top', { tag: '@ramp' }, async ({ swarm, workload, oracle, recorder, profile }) => {
  const scenario = profile.scenarios.ramp
  const connect = clientOptions(profile)
  const stages = scenario.stages ?? [{ contexts: scenario.swarm.contexts, holdMs: scenario.durationMs }]
  const replicas: Replica[] = []
  let contexts = 0
  const setupMs: number[] = []
  let spawnMs = 0
  for (const [index, stage] of stages.entries()) {
    await test.step(`ramp stage ${index + 1}/${stages.length}: up to ${stage.contexts} context(s), hold ${stage.holdMs} ms`, async () => {
      const added = Math.max(0, stage.contexts - contexts)
      const nodeReplicas = index === 0 ? scenario.swarm.nodeReplicas : 0
      const { replicas: spawned, timing } = await swarm.spawn({ shape: { ...scenario.swarm, contexts: added, nodeReplicas }, batch: profile.contextBatch, connect })
      contexts += added
      replicas.push(...spawned)
      setupMs.push(...timing.perContextMs)
      spawnMs += timing.totalMs
      recorder.mark(`ramp: stage ${index + 1}, ${replicas.length} replica(s) live, writing for ${stage.holdMs} ms`)
      // At the top, measure what holding the swarm costs the machine, apart from setting it up.
      const atTop = index === stages.length - 1
      const health = atTop ? new GeneratorHealth(500) : undefined
      await workload.run([...replicas], { ratePerReplica: scenario.ratePerReplica, durationMs: stage.holdMs, mix: scenario.mix })
      const held = health?.stop()
      if (held !== undefined) {
        recorder.figure('holdCpuPctMean', held.cpuPctMean)
        recorder.figure('holdCpuPctMax', held.cpuPctMax)
        recorder.figure('liveBrowserReplicas', replicas.filter(r => r.host.kind === 'browser').length)
      }
    })
  }
  await test.step('quiesce: wait for convergence and check it', async () => {
    recorder.figure('setupMsPerContextMax', Math.max(0, ...setupMs))
    recorder.figure('setupMsPerReplica', spawnMs / Math.max(1, replicas.length))
    const result = await oracle.check({ replicas, deadlineMs: profile.convergenceDeadlineMs, ackDeadlineMs: profile.ackDeadlineMs, connect })
    recordConvergence(recorder, result, replicas.length)
  })
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, scenario.thresholds) })
})
