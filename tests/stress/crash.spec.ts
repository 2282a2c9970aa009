import { test } from '../../fixtures/index.ts'
import { spawnCheckers, writeThroughCrash } from '../../scenarios/crash.ts'
import { acknowledgedWrites } from '../../oracle/acknowledged.ts'
import { historyFigures } from '../../oracle/figures.ts'

test('crash: acknowledged writes survive a server SIGKILL even when their writers are gone', { tag: '@crash' }, async ({ profile, swarm, workload, oracle, recorder, target }) => {
  test.skip(!target.ownsProcess, 'the target is an external URL: the suite cannot kill its process (process faults are skipped)')
  const settings = profile.scenarios.crash
  const { replicas: writers } = await test.step('arrange: spawn the writers', async () => await swarm.spawn(settings, { label: 'writer' }))
  const gone = await test.step(`workload + fault: SIGKILL the server ${settings.faultAtMs} ms into the writes, close every writer, restart after ${settings.downMs} ms`, async () =>
    await writeThroughCrash({ swarm, workload, target, recorder }, settings, writers))
  await test.step('quiesce: fresh replicas load the document; every acknowledged write must be there', async () => {
    const acknowledged = acknowledgedWrites(gone, new Set())
    recorder.figure('writesBeforeCrash', historyFigures(gone).writes)
    recorder.figure('acknowledgedBeforeCrash', acknowledged.size)
    if (acknowledged.size === 0) recorder.error('no write was acknowledged (or seen by another replica) before the crash: the scenario proves nothing')
    await oracle.check({ replicas: await spawnCheckers(swarm), gone })
  })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
