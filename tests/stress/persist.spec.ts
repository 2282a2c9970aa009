import { test } from '../../fixtures/index.ts'
import { profileConnectOptions } from '../../fixtures/swarm.ts'
import { editCycle, healCycle, persistRun, recordPersist, reloadCycle } from '../../scenarios/persist.ts'
import { historyFigures } from '../../oracle/figures.ts'

test('persist: edits survive a page reload, are visible before the network answers, and offline edits sync after reconnect', { tag: '@persist' }, async ({ profile, client, swarm, faults, workload, oracle, recorder }) => {
  test.skip(!client.capabilities.store, `client ${client.name} has no local store (its adapter declares capabilities.store false): there is nothing to restore after a reload`)
  const settings = profile.scenarios.persist
  const { replicas } = await test.step(`arrange: spawn the swarm behind the chaos proxy, browser replicas on ${settings.store}`, async () => await swarm.spawn(settings, { url: faults.url }))
  const run = persistRun(replicas)
  const connect = { ...profileConnectOptions(profile), store: settings.store, url: faults.url }
  for (const cycle of ['online edits', 'offline edits']) {
    await test.step(`workload: ${cycle}, then cut the page off`, async () => { await editCycle({ swarm, workload, faults, recorder }, settings, replicas, run, cycle === 'offline edits', profile.ackDeadlineMs) })
    await test.step(`fault: reload the page after ${cycle}, still cut off`, async () => { await reloadCycle({ swarm, recorder }, settings, run, connect, cycle, profile.ackDeadlineMs) })
    await test.step(`heal: reconnect after ${cycle}`, async () => { await healCycle({ faults }, run, profile.convergenceDeadlineMs) })
  }
  await test.step('quiesce: everyone converges with every write of the reloaded page, offline ones included', async () => {
    await oracle.check({ replicas, gone: run.before, mustHave: historyFigures(run.before).invoked })
    recordPersist(recorder, run)
  })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
