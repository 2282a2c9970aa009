import { test, expectVerdict } from '../../fixtures/index.ts'
import { runCrashScenario } from '../../fixtures/crash-scenario.ts'

test('crash: acknowledged writes survive a server SIGKILL even when their writers are gone', { tag: '@crash' }, async ({ swarm, workload, oracle, recorder, profile, target }) => {
  test.skip(!target.ownsProcess, 'the target is an external URL: the suite cannot kill its process (process faults are skipped)')
  await runCrashScenario({ swarm, workload, oracle, recorder, profile, target }, profile.scenarios.crash)
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, profile.scenarios.crash.thresholds) })
})
