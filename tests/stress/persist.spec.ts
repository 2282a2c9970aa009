import { test, expectVerdict } from '../../fixtures/index.ts'
import { runPersistScenario } from '../../fixtures/persist-scenario.ts'

test('persist: edits survive a page reload, are visible before the network answers, and offline edits sync after reconnect', { tag: '@persist' }, async ({ swarm, workload, oracle, recorder, profile, faults, target }) => {
  const scenario = profile.scenarios.persist
  await runPersistScenario({ swarm, workload, oracle, recorder, profile, faults, target }, scenario)
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, scenario.thresholds) })
})
