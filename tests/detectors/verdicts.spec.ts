/**
 * A verdict must never pass by accident: a scenario that does not record a
 * figure its thresholds name is a suite error (`scenario X did not record Y`),
 * never a pass and never "not measurable"; with its own thresholds the same
 * run passes. A typo'd figure in a profile never gets this far: the profile
 * fails to parse (tests/unit/suite/profiles.spec.ts).
 */
import { test, expect } from '../../fixtures/index.ts'
import { thresholdsSchema } from '../../profiles/thresholds.ts'
import { converge } from './support/small-run.ts'

for (const forgets of [true, false]) {
  test(`a scenario that ${forgets ? 'forgets a figure its thresholds name is a suite error' : 'records every figure its thresholds name is judged on them'}`, { tag: '@baseline' }, async ({ profile, swarm, workload, oracle, recorder }) => {
    await converge({ swarm, workload, oracle })
    // The baseline story measures no recovery: a threshold on timeToResyncMs names a figure it never records.
    const thresholds = forgets ? { ...profile.scenarios.baseline.thresholds, ...thresholdsSchema.parse({ timeToResyncMs: ['p(95)<5000'] }) } : profile.scenarios.baseline.thresholds
    const { verdict, reasons } = recorder.judge(thresholds)
    if (forgets) {
      expect(verdict).toBe('error')
      expect(reasons).toContain('error: scenario baseline did not record timeToResyncMs')
      expect(recorder.metrics.thresholds.find(t => t.figure === 'timeToResyncMs')).toMatchObject({ ok: false, value: null, error: 'scenario baseline did not record timeToResyncMs' })
      expect(() => { recorder.expectVerdict(thresholds) }).toThrow(/verdict error:/)
    } else {
      expect(verdict, reasons.join('\n')).toBe('pass')
    }
  })
}
