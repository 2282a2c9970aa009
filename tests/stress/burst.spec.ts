import { test, expectVerdict } from '../../fixtures/index.ts'
import { runConvergenceScenario } from '../../fixtures/convergence-scenario.ts'

test('burst: high-frequency writes from every replica', { tag: '@burst' }, async ({ swarm, workload, oracle, recorder, profile }) => {
  await runConvergenceScenario({ swarm, workload, oracle, recorder, profile }, profile.scenarios.burst)
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, profile.scenarios.burst.thresholds) })
})
