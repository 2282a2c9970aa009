import { test } from '../../fixtures/index.ts'
import type { Replica } from '../../fixtures/swarm.ts'
import { measureHold } from '../../scenarios/ramp.ts'

test('ramp: replicas join in stages while everyone writes, then hold at the top', { tag: '@ramp' }, async ({ profile, swarm, workload, oracle, recorder, target }) => {
  const settings = profile.scenarios.ramp
  // Each stage fills rooms of its own (below), so a room's size is the setting's, or its share of the top stage.
  const { rooms, swarm: shape } = settings
  recorder.figure('rampRoomSize', rooms === undefined ? 0 : rooms.perRoom ?? Math.ceil(shape.contexts * shape.pagesPerContext * shape.replicasPerPage / rooms.count!))
  const replicas: Replica[] = []
  const setupMs: number[] = []
  let spawnMs = 0
  for (const [index, stage] of settings.stages.entries()) {
    const top = index === settings.stages.length - 1
    await test.step(`arrange + workload: stage ${index + 1}/${settings.stages.length}, up to ${stage.contexts} context(s), hold ${stage.holdMs} ms`, async () => {
      const added = stage.contexts - (settings.stages[index - 1]?.contexts ?? 0)
      const nodeReplicas = index === 0 ? settings.swarm.nodeReplicas : 0
      // Each stage fills rooms of its own, so rooms keep their size as the swarm grows.
      const { replicas: joined, timing } = await swarm.spawn({ ...settings, swarm: { ...settings.swarm, contexts: added, nodeReplicas } }, { roomPrefix: `s${index}-` })
      replicas.push(...joined)
      setupMs.push(...timing.perContextMs)
      spawnMs += timing.totalMs
      recorder.mark(`ramp: stage ${index + 1}, ${replicas.length} replica(s) live, writing for ${stage.holdMs} ms`)
      const hold = async (): Promise<unknown> => await workload.run([...replicas], { ...settings, durationMs: stage.holdMs })
      // The runner is this worker and Playwright's main process; the browser is the rest of the worker's children.
      const roots = { runner: [process.pid, process.ppid], server: target.serverPid() }
      if (top) await measureHold(recorder, replicas.filter(r => r.host.kind === 'browser').length, roots, hold)
      else await hold()
    })
  }
  await test.step('quiesce: converge, then check every room', async () => {
    recorder.figure('setupMsPerContextMax', Math.max(0, ...setupMs))
    recorder.figure('setupMsPerReplica', spawnMs / Math.max(1, replicas.length))
    await oracle.check({ replicas })
  })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
