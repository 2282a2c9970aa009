/**
 * Spike: the write rate jumps 10× for a while, then drops back. The
 * propagation p95 per 1 s window must come back within 1.5× of its pre-spike
 * baseline soon after the spike ends (oracle/spike.ts), and nothing is lost.
 */
import { test, expectVerdict } from '../../fixtures/index.ts'
import { clientOptions } from '../../fixtures/convergence-scenario.ts'
import { recordConvergence } from '../../fixtures/verdict.ts'
import { propagationSamples, spikeRecovery } from '../../oracle/spike.ts'

test('spike: a 10× jump in write rate; propagation recovers to its baseline after it', { tag: '@spike' }, async ({ swarm, workload, oracle, recorder, profile }) => {
  const scenario = profile.scenarios.spike
  const connect = clientOptions(profile)
  const factor = scenario.spikeFactor ?? 10
  const spikeMs = scenario.spikeDurationMs ?? scenario.durationMs
  const plan = { mix: scenario.mix, sharedTodos: scenario.sharedTodos }

  const { replicas } = await test.step('arrange: spawn the swarm', async () => {
    recorder.mark(`arrange: ${scenario.swarm.contexts} context(s) × ${scenario.swarm.replicasPerPage} replica(s) + ${scenario.swarm.nodeReplicas} node replica(s)`)
    return await swarm.spawn({ shape: scenario.swarm, batch: profile.contextBatch, connect })
  })

  const spike = await test.step(`workload + fault: ${scenario.ratePerReplica} op/s, then ${factor}× for ${spikeMs} ms, then back`, async () => {
    recorder.mark(`workload: base rate ${scenario.ratePerReplica} op/s per replica for ${scenario.durationMs} ms`)
    await workload.run(replicas, { ...plan, ratePerReplica: scenario.ratePerReplica, durationMs: scenario.durationMs })
    recorder.mark(`spike: ${scenario.ratePerReplica * factor} op/s per replica for ${spikeMs} ms`)
    const spiked = await workload.run(replicas, { ...plan, ratePerReplica: scenario.ratePerReplica * factor, durationMs: spikeMs })
    recorder.mark(`workload: back to ${scenario.ratePerReplica} op/s per replica for ${scenario.durationMs} ms`)
    await workload.run(replicas, { ...plan, ratePerReplica: scenario.ratePerReplica, durationMs: scenario.durationMs })
    return { spikeStartAt: spiked.startedAt, spikeEndAt: spiked.startedAt + spikeMs }
  })

  const result = await test.step('quiesce: wait for convergence and check it', async () => {
    const result = await oracle.check({ replicas, deadlineMs: profile.convergenceDeadlineMs, ackDeadlineMs: profile.ackDeadlineMs, connect })
    recordConvergence(recorder, result, replicas.length)
    return result
  })

  await test.step('assert: recovery after the spike, and thresholds', async () => {
    const recovery = spikeRecovery(propagationSamples(result.stats), spike, { minLimitMs: scenario.spikeNoiseFloorMs })
    await test.info().attach('spike-windows.json', { body: JSON.stringify({ ...spike, ...recovery }, null, 1), contentType: 'application/json' })
    if (recovery.baselineP95Ms === null) {
      recorder.notMeasurable('spikeRecoveryMs', 'no propagation samples before the spike, so there is no baseline')
    } else if (recovery.recoveryMs === null) {
      recorder.figure('spikeRecoveryMs', Number.POSITIVE_INFINITY)
      recorder.fail(`spike: propagation p95 never came back within ${recovery.limitMs?.toFixed(0)} ms (1.5× the ${recovery.baselineP95Ms.toFixed(0)} ms baseline) in the ${scenario.durationMs} ms after the spike`)
    } else {
      recorder.figure('spikeRecoveryMs', recovery.recoveryMs)
    }
    recorder.figure('spikeBaselineP95Ms', recovery.baselineP95Ms ?? 0)
    recorder.figure('spikePeakP95Ms', recovery.peakP95Ms)
    recorder.mark(`spike: baseline p95 ${recovery.baselineP95Ms?.toFixed(0)} ms, peak window p95 ${recovery.peakP95Ms.toFixed(0)} ms, recovered ${recovery.recoveryMs === null ? 'never' : `${recovery.recoveryMs} ms after the spike`}; windows ${recovery.windows.map(w => w.p95Ms.toFixed(0)).join(' ')}`)
    expectVerdict(recorder, scenario.thresholds)
  })
})
