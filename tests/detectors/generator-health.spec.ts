/**
 * The generator-saturation rule must fire on a saturated generator and stay
 * quiet on a healthy one:
 *   - a busy loop in the runner blocks its event loop while a workload runs
 *     (every workload run is a measured window, whatever the scenario, and
 *     so is a fault in its timeline): the verdict is `invalid`, not pass or
 *     fail, and expectVerdict refuses it (an invalid run never counts as a pass);
 *   - the same scenario without the busy loop is judged on its figures (pass).
 * Host CPU is shared with other jobs on CI machines, so both runs lift the
 * CPU bound to 100%: the loop-lag and round-trip bounds are what a blocked
 * runner trips. The CPU bound is covered by the unit tests of metrics/saturation.ts.
 * Short stalls of the runner's loop, never sustained, still hold back every
 * delivery to the Node replicas it hosts: when they cover more of a measured
 * window than `maxStalledShare`, a latency breach is the generator's
 * (`invalid`), while a run whose latencies held despite them keeps its pass.
 * The self-test run turns the check off for other detectors (STRESS_GENERATOR_CHECK=off); this test turns it on.
 */
import { test, expect, run } from '../../fixtures/index.ts'
import { thresholdsSchema } from '../../profiles/thresholds.ts'

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
    test(`generator health: ${saturated ? 'a busy loop blocking the runner during a workload with a fault makes the verdict invalid' : 'a healthy runner is judged on its figures'}`, async ({ swarm, faults, workload, oracle, recorder, profile }) => {
      const { replicas } = await swarm.spawn({ swarm: { contexts: 0, pagesPerContext: 1, replicasPerPage: 1, nodeReplicas: 4 } }, { url: faults.url })
      const durationMs = 6_000
      // A drop-like run: the fault timeline is part of the measured window like the ops.
      await Promise.all([
        workload.run(replicas, { ratePerReplica: 2, durationMs }, { at: [[2_000, faults.reset()]] }),
        saturated ? busyLoop(Date.now() + durationMs, 2_500) : Promise.resolve()
      ])
      await oracle.check({ replicas })
      const thresholds = thresholdsSchema.parse({ lostOps: ['value==0'], divergentReplicas: ['value==0'] })
      if (saturated) {
        const { verdict, reasons } = recorder.judge(thresholds)
        expect(verdict).toBe('invalid')
        // The reason names whichever bounds the longest saturated stretch broke (a blocked loop also delays the CDP answer).
        expect(reasons.join('\n')).toMatch(/invalid: the generator was saturated for [\d.]+ s of a measured phase .*(event-loop lag|round-trip)/)
        expect(recorder.metrics.figures.runnerLoopLagP99MsMax).toBeGreaterThan(profile.generator.maxLoopLagMs)
        expect(recorder.metrics.figures.generatorSaturatedMs).toBeGreaterThanOrEqual(2_000)
        expect(() => { recorder.expectVerdict(thresholds) }).toThrow(/verdict invalid/)
      } else {
        const { verdict, reasons } = recorder.judge(thresholds)
        expect(verdict, reasons.join('\n')).toBe('pass')
        expect(recorder.metrics.figures.generatorRoundTripMsMax).toBeGreaterThan(0)
      }
    })
  }
})

/** Blocks the runner's event loop for `stallMs`, `count` times, `everyMs` apart: stalls, never a sustained saturation. */
const stallTheRunner = async (count: number, stallMs: number, everyMs: number): Promise<void> => {
  for (let i = 0; i < count; i++) {
    await new Promise(resolve => setTimeout(resolve, everyMs))
    const end = Date.now() + stallMs
    while (Date.now() < end) { /* stall the runner on purpose */ }
  }
}

test.describe('runner stalls under Node replicas', () => {
  test.use({ profile: { ...run.profile, generator: { ...run.profile.generator, maxCpuPct: 100, sustainedMs: 2_000, enabled: true } } })
  for (const limit of ['p(99)<250', 'p(99)<5000']) {
    const breached = limit === 'p(99)<250'
    test(`short runner stalls ${breached ? 'turn the latency breach they explain into invalid' : 'leave a run whose latencies held a pass'}`, async ({ swarm, workload, oracle, recorder }) => {
      // Browser replicas keep writing through a stall (their pages run their own schedules); the Node replicas receive late.
      const { replicas } = await swarm.spawn({ swarm: { contexts: 1, pagesPerContext: 1, replicasPerPage: 2, nodeReplicas: 2 } })
      // Three 600 ms stalls in 5 s: 36% of the window, each too short for the sustained rule.
      await Promise.all([workload.run(replicas, { ratePerReplica: 5, durationMs: 5_000 }), stallTheRunner(3, 600, 1_000)])
      await oracle.check({ replicas })
      const { verdict, reasons } = recorder.judge(thresholdsSchema.parse({ lostOps: ['value==0'], propagationMs: [limit] }))
      expect(recorder.metrics.figures.generatorSaturatedMs, 'not a sustained saturation').toBeLessThan(2_000)
      if (breached) {
        expect(verdict, reasons.join('\n')).toBe('invalid')
        expect(reasons.join('\n')).toMatch(/invalid: the runner event loop stalled over 250 ms for \d+ ms of a [\d.]+ s measured phase .*the Node replicas in the runner waited on it.*the breach it can explain: propagationMs p\(99\)<250/)
        expect(reasons.join('\n'), 'the breach itself stays in the reasons').toMatch(/fail: threshold propagationMs p\(99\)<250 breached/)
      } else {
        expect(verdict, reasons.join('\n')).toBe('pass')
      }
    })
  }
})
