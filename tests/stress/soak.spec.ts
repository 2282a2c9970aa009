import { test, expectVerdict } from '../../fixtures/index.ts'
import { runSoakScenario } from '../../fixtures/soak-scenario.ts'

test('soak: every replica at 1 op/s for the profile\'s duration, with no leak, no loss and few disconnects', { tag: '@soak' }, async ({ swarm, workload, oracle, recorder, profile, heap }) => {
  const scenario = profile.scenarios.soak
  // A soak lasts as long as its profile says (hours in `soak`): the config's 10 minutes are for the short scenarios.
  test.setTimeout(scenario.durationMs + profile.convergenceDeadlineMs + profile.ackDeadlineMs + 5 * 60_000)
  await runSoakScenario({ swarm, workload, oracle, recorder, profile, heap }, scenario)
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, scenario.thresholds) })
})
