/**
 * The generator-saturation rule must fire on a saturated generator and stay
 * quiet on a healthy one:
 *   - a busy loop in the runner blocks its event loop during the measured
 *     phase (the workload): the verdict is `invalid`, not pass or fail, and
 *     expectVerdict refuses it (an invalid run never counts as a pass);
 *   - the same scenario without the busy loop is judged on its figures (pass).
 * Host CPU is shared with other jobs on CI machines, so both runs lift the
 * CPU bound to 100%: the loop-lag and round-trip bounds are what a blocked
 * runner trips. The CPU bound is covered by the unit tests of metrics/saturation.ts.
 * The self-test run turns the check off for other detectors (STRESS_GENERATOR_CHECK=off); this test turns it on.
 */
import { test, expect, run, expectVerdict, recordConvergence } from '../../fixtures/index.ts'
import { clientOptions } from '../../fixtures/convergence-scenario.ts'

/** Blocks the runner's event loop in slices of `sliceMs` until `untilMs`, yielding briefly between slices. */
const busyLoop = async (untilMs: number, sliceMs: number): Promise<void> => {
  for (let slices = 0; Date.now() < untilMs && slices < 1_000; slices++) {
    const sliceEnd = Date.now() + sliceMs
    while (Date.now() < sliceEnd) { /* saturate the generator on purpose */ }
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

test.describe('generator health', () => {
  test.use({ profile: { ...run.profile, generator: { ...run.profile.generator, maxCpuPct: 100, sustainedMs: 2_000, enabled: true } } })
  for (const saturated of [true, false]) {
    test(`generator health: ${saturated ? 'a busy loop blocking the runner during the measured phase makes the verdict invalid' : 'a healthy runner is judged on its figures'}`, async ({ swarm, workload, oracle, recorder, profile }) => {
      const scenario = profile.scenarios.baseline
      const connect = clientOptions(profile, scenario)
      const { replicas } = await swarm.spawn({ shape: { contexts: 0, pagesPerContext: 1, replicasPerPage: 1, nodeReplicas: 4 }, connect })
      const durationMs = 6_000
      recorder.measuring(true)
      await Promise.all([
        workload.run(replicas, { ratePerReplica: 2, durationMs }),
        saturated ? busyLoop(Date.now() + durationMs, 2_500) : Promise.resolve()
      ]).finally(() => { recorder.measuring(false) })
      const result = await oracle.check({ replicas, deadlineMs: profile.convergenceDeadlineMs, ackDeadlineMs: profile.ackDeadlineMs, connect })
      recordConvergence(recorder, result, replicas.length)
      const thresholds = { lostOps: scenario.thresholds.lostOps, divergentReplicas: scenario.thresholds.divergentReplicas }
      if (saturated) {
        const { verdict, reasons } = recorder.judge(thresholds)
        expect(verdict).toBe('invalid')
        // The reason names whichever bounds the longest saturated stretch broke (a blocked loop also delays the CDP answer).
        expect(reasons.join('\n')).toMatch(/invalid: the generator was saturated for [\d.]+ s of a measured phase .*(event-loop lag|round-trip)/)
        expect(recorder.metrics.figures.runnerLoopLagP99MsMax).toBeGreaterThan(profile.generator.maxLoopLagMs)
        expect(recorder.metrics.figures.generatorSaturatedMs).toBeGreaterThanOrEqual(2_000)
        expect(() => { expectVerdict(recorder, thresholds) }).toThrow(/verdict invalid/)
      } else {
        const { verdict, reasons } = recorder.judge(thresholds)
        expect(verdict, reasons.join('\n')).toBe('pass')
        expect(recorder.metrics.figures.generatorRoundTripMsMax).toBeGreaterThan(0)
      }
    })
  }
})
