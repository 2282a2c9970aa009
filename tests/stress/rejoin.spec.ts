import { test, run } from '../../fixtures/index.ts'
import { writeThroughCrash } from '../../scenarios/crash.ts'
import { recordJoiners, recordLeavers, settleAndLeave, spawnJoiners, stayEmpty } from '../../scenarios/rejoin.ts'

// One test per empty time: a quick return finds the document still loaded, a later one after a server may have unloaded it.
for (const emptyMs of run.profile.scenarios.rejoin.emptyMs) {
  test(`rejoin: every replica of every room leaves, the rooms stay empty ${emptyMs} ms; fresh replicas find every acknowledged write`, { tag: '@rejoin' }, async ({ profile, swarm, workload, oracle, recorder }) => {
    const settings = profile.scenarios.rejoin
    const { replicas: writers } = await test.step('arrange: spawn the writers, several rooms at once', async () => await swarm.spawn(settings, { label: 'writer' }))
    await test.step(`workload: ${writers.length} replicas write for ${settings.durationMs} ms`, async () => { await workload.run(writers, settings) })
    const left = await test.step('fault: every replica settles (acknowledged, its room agreeing) and leaves', async () => {
      const left = await settleAndLeave({ swarm, recorder }, profile, writers)
      recordLeavers(recorder, left)
      return left
    })
    await test.step(`fault: the rooms stay empty for ${emptyMs} ms`, async () => { await stayEmpty(recorder, emptyMs) })
    await test.step('quiesce: fresh replicas join every room; every acknowledged write must be there', async () => {
      const joiners = await spawnJoiners(swarm, settings)
      recordJoiners(recorder, joiners, await oracle.check({ replicas: joiners, gone: left }))
    })
    await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
  })
}

test('rejoin: graceful restart (SIGTERM) while replicas write; fresh replicas find every acknowledged write', { tag: '@rejoin' }, async ({ profile, swarm, workload, oracle, recorder, target }) => {
  test.skip(!target.ownsProcess, 'the target is an external URL: the suite cannot stop and start its process (the graceful restart is skipped)')
  const settings = profile.scenarios.rejoin
  const { replicas: writers } = await test.step('arrange: spawn the writers, several rooms at once', async () => await swarm.spawn(settings, { label: 'writer' }))
  const left = await test.step(`workload + fault: SIGTERM the server ${settings.faultAtMs} ms into the writes, close every writer, start it after ${settings.downMs} ms`, async () => {
    const left = await writeThroughCrash({ swarm, workload, target, recorder }, settings, writers, 'SIGTERM')
    recordLeavers(recorder, left)
    return left
  })
  await test.step('quiesce: fresh replicas join every room; every acknowledged write must be there', async () => {
    const joiners = await spawnJoiners(swarm, settings)
    recordJoiners(recorder, joiners, await oracle.check({ replicas: joiners, gone: left }))
  })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
