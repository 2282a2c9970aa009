/**
 * Connection lifecycle under load: churn (replicas leave and join while
 * others write), flood (many connect at once) and idle (silent connections
 * behind a load balancer's idle timeout).
 */
import { test, expectVerdict, run } from '../../fixtures/index.ts'
import { runChurnScenario } from '../../fixtures/churn-scenario.ts'
import { runFloodScenario } from '../../fixtures/flood-scenario.ts'
import { runIdleScenario } from '../../fixtures/idle-scenario.ts'

test('churn: replicas leave and join while the others write; nothing a departed writer was acked for is lost', { tag: '@churn' }, async ({ swarm, workload, oracle, recorder, profile }) => {
  const scenario = profile.scenarios.churn
  await runChurnScenario({ swarm, workload, oracle, recorder, profile }, scenario, workload.seed)
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, scenario.thresholds) })
})

test('flood: many replicas connect at once, all sync, then write and converge', { tag: '@flood' }, async ({ swarm, workload, oracle, recorder, profile, target, client }) => {
  const scenario = profile.scenarios.flood
  await runFloodScenario({ swarm, workload, oracle, recorder, profile, target, client }, scenario)
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, scenario.thresholds) })
})

test.describe('idle', () => {
  test.use({ proxyIdleTimeoutMs: run.profile.scenarios.idle.idleTimeoutMs })
  test('idle: replicas stay silent behind a load balancer idle timeout; heartbeats keep them connected', { tag: '@idle' }, async ({ swarm, workload, oracle, recorder, profile, faults }) => {
    const scenario = profile.scenarios.idle
    await runIdleScenario({ swarm, workload, oracle, recorder, profile, faults }, scenario)
    await test.step('assert: thresholds', async () => { expectVerdict(recorder, scenario.thresholds) })
  })
})
