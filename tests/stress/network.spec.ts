import { test, expectVerdict } from '../../fixtures/index.ts'
import { runFaultScenario } from '../../fixtures/fault-scenario.ts'
import { blackhole, partitionSide, recordHalfOpen, resetEveryone } from '../../fixtures/network-faults.ts'
import { requireCapability } from '../../fixtures/client.ts'

test('drop: every connection is reset mid-workload; replicas reconnect and converge', { tag: '@drop' }, async ({ swarm, workload, oracle, recorder, profile, faults }) => {
  const scenario = profile.scenarios.drop
  await runFaultScenario({ swarm, workload, oracle, recorder, profile, faults }, scenario, 'reset every connection (ECONNRESET)', resetEveryone(faults))
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, scenario.thresholds) })
})

test('half-open: all traffic is blackholed; heartbeats must notice, then the link heals', { tag: '@halfopen' }, async ({ swarm, workload, oracle, recorder, profile, faults, client }) => {
  const scenario = profile.scenarios.halfopen
  const { result, fault } = await runFaultScenario({ swarm, workload, oracle, recorder, profile, faults }, scenario, `blackhole all traffic for ${scenario.faultDurationMs} ms`, blackhole(faults, scenario))
  // Only a client that watches its connection can notice a half-open one.
  if (requireCapability(recorder, client, 'heartbeat', 'halfOpenDetectMs', 'halfOpenUndetected')) recordHalfOpen(recorder, result.stats, fault)
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, scenario.thresholds) })
})

test('partition: a subset is cut off, both sides keep editing, then heal and converge', { tag: '@partition' }, async ({ swarm, workload, oracle, recorder, profile, faults }) => {
  const scenario = profile.scenarios.partition
  await runFaultScenario({ swarm, workload, oracle, recorder, profile, faults }, scenario, `cut off ${Math.round((scenario.faultShare ?? 0.5) * 100)}% of the replicas for ${scenario.faultDurationMs} ms`, blackhole(faults, scenario, partitionSide(scenario.faultShare ?? 0.5)))
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, scenario.thresholds) })
})

test('reconnect storm: everyone is dropped at once; first retries must be spread (jitter)', { tag: '@storm' }, async ({ swarm, workload, oracle, recorder, profile, faults }) => {
  const scenario = profile.scenarios.storm
  await runFaultScenario({ swarm, workload, oracle, recorder, profile, faults }, scenario, 'reset every connection at once', resetEveryone(faults))
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, scenario.thresholds) })
})
