import { test, expectVerdict } from '../../fixtures/index.ts'
import { runConvergenceScenario } from '../../fixtures/convergence-scenario.ts'

test('baseline: a few replicas at a low rate converge with no lost write', { tag: '@baseline' }, async ({ swarm, workload, oracle, recorder, profile }) => {
  await runConvergenceScenario({ swarm, workload, oracle, recorder, profile }, profile.scenarios.baseline)
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, profile.scenarios.baseline.thresholds) })
})
