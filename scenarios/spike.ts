/**
 * @spike: the write rate jumps `spikeFactor`× for `spikeDurationMs`, between
 * two base-rate periods of `durationMs`. The propagation p95 per 1 s window
 * must come back within `recoveryTolerance`× its pre-spike baseline soon after
 * the spike ends (oracle/spike.ts); nothing may be lost.
 *
 * A `spikeRecoveryMs` threshold must be able to fail: its limit has to be
 * below the base-rate period after the spike, the only time recovery is
 * measured in (a server that never recovers reads "never").
 *
 * @module scenarios/spike
 */
import { z } from 'zod'
import { workloadScenario } from './base.ts'
import { parseThresholdKey } from '../profiles/thresholds.ts'
import { propagationSamples, spikeRecovery, type SpikeTimes } from '../oracle/spike.ts'
import type { ReplicaStats } from '../client/harness/api.ts'
import type { Recorder } from '../fixtures/recorder.ts'
import type { Replica } from '../fixtures/swarm.ts'
import type { Workload } from '../fixtures/workload.ts'

export const spikeSettings = workloadScenario.extend({
  spikeFactor: z.number().gt(1).default(10),
  spikeDurationMs: z.number().int().positive().default(3_000),
  /** A window has recovered when its p95 is at most this × the pre-spike p95. */
  recoveryTolerance: z.number().gt(1).default(1.5),
  /** The recovery limit is never below this (loopback p95s of a few ms are mostly noise). */
  spikeNoiseFloorMs: z.number().min(0).default(50)
}).superRefine((settings, ctx) => {
  for (const [key, expressions] of Object.entries(settings.thresholds)) {
    const parsed = parseThresholdKey(key)
    if (typeof parsed === 'string' || parsed.figure !== 'spikeRecoveryMs') continue
    for (const e of expressions) {
      if ((e.operator === '<' || e.operator === '<=') && e.limit >= settings.durationMs) {
        ctx.addIssue({ code: 'custom', path: ['thresholds', key], message: `spikeRecoveryMs "${e.source}" can never fail: recovery is only measured in the ${settings.durationMs} ms after the spike (durationMs), so put the limit below that` })
      }
    }
  }
})
export type SpikeSettings = z.infer<typeof spikeSettings>

/**
 * The base rate for `durationMs`, `spikeFactor`× it for `spikeDurationMs`, the base rate again.
 * @return {Promise<SpikeTimes>} when the spike started and ended
 */
export const spikeWorkload = async ({ workload, recorder }: { workload: Workload, recorder: Recorder }, settings: SpikeSettings, replicas: Replica[]): Promise<SpikeTimes> => {
  const spikeRate = settings.ratePerReplica * settings.spikeFactor
  await workload.run(replicas, settings)
  recorder.mark(`spike: ${spikeRate} op/s per replica for ${settings.spikeDurationMs} ms`)
  const spiked = await workload.run(replicas, { ...settings, ratePerReplica: spikeRate, durationMs: settings.spikeDurationMs })
  recorder.mark(`workload: back to ${settings.ratePerReplica} op/s per replica for ${settings.durationMs} ms`)
  await workload.run(replicas, settings)
  return { spikeStartAt: spiked.startedAt, spikeEndAt: spiked.startedAt + settings.spikeDurationMs }
}

/**
 * Records the recovery figures; a spike with no propagation before it has no baseline to recover to, so no recovery figure.
 * @param {ReplicaStats[]} stats every replica of the run
 * @param {SpikeTimes} spike when the spike started and ended
 */
export const recordSpikeRecovery = (recorder: Recorder, settings: SpikeSettings, stats: ReplicaStats[], spike: SpikeTimes): void => {
  const recovery = spikeRecovery(propagationSamples(stats), spike, { minLimitMs: settings.spikeNoiseFloorMs, tolerance: settings.recoveryTolerance })
  if (recovery.baselineP95Ms === null) {
    recorder.unrecorded('spikeRecoveryMs', 'no op propagated before the spike, so there is no baseline to recover to')
    return
  }
  recorder.figure('spikeRecoveryMs', recovery.recoveryMs ?? Number.POSITIVE_INFINITY)
  if (recovery.recoveryMs === null) recorder.fail(`spike: propagation p95 never came back within ${recovery.limitMs?.toFixed(0)} ms (${settings.recoveryTolerance}× the ${recovery.baselineP95Ms.toFixed(0)} ms baseline) in the ${settings.durationMs} ms after the spike`)
  recorder.figure('spikeBaselineP95Ms', recovery.baselineP95Ms)
  recorder.figure('spikePeakP95Ms', recovery.peakP95Ms)
  recorder.mark(`spike: baseline p95 ${recovery.baselineP95Ms.toFixed(0)} ms, peak window p95 ${recovery.peakP95Ms.toFixed(0)} ms, recovered ${recovery.recoveryMs === null ? 'never' : `${recovery.recoveryMs} ms after the spike`}; windows ${recovery.windows.map(w => w.p95Ms.toFixed(0)).join(' ')}`)
}
