import { test, expectVerdict } from '../../fixtures/index.ts'
import { runConvergenceScenario } from '../../fixtures/convergence-scenario.ts'

test('conflict storm: every replica updates and deletes the same few todos at once', { tag: '@conflict' }, async ({ swarm, workload, oracle, recorder, profile }) => {
  await runConvergenceScenario({ swarm, workload, oracle, recorder, profile }, profile.scenarios.conflict)
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, profile.scenarios.conflict.thresholds) })
})
