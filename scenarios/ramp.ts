/**
 * @ramp: browser contexts join in stages (k6 `stages`) while everyone writes,
 * then the swarm holds at the top. At the top the suite also measures what
 * holding the swarm costs this machine, apart from setting it up
 * (`holdCpuPctMean`: the density benchmark reads it).
 *
 * @module scenarios/ramp
 */
import { z } from 'zod'
import { workloadScenario } from './base.ts'
import { GeneratorHealth } from '../metrics/generator-health.ts'
import type { Recorder } from '../fixtures/recorder.ts'
import { procUnavailable, startCpuSplit, type ProcessRoots } from '../fixtures/support/process-tree.ts'

export const stageSchema = z.strictObject({
  /** Browser contexts live at the end of this stage. */
  contexts: z.number().int().min(0),
  /** Time to hold once the stage is reached. */
  holdMs: z.number().int().min(0)
})

export const rampSettings = workloadScenario.extend({
  /** Contexts are added in these stages, in parallel batches; the last one is the top. */
  stages: z.array(stageSchema).min(1)
}).refine(s => s.stages.every((stage, i) => i === 0 || stage.contexts >= s.stages[i - 1]!.contexts), { message: 'ramp stages must not shrink: each stage\'s contexts are at least the one before', path: ['stages'] })
  .refine(s => s.stages.at(-1)!.contexts <= s.swarm.contexts, { message: 'the last ramp stage has more contexts than swarm.contexts', path: ['stages'] })

/**
 * Runs the hold at the top stage and records what it cost the host (CPU,
 * sampled every 500 ms while holding, and split by process kind from /proc
 * where there is one) and how many browser replicas were live.
 */
export const measureHold = async <T>(recorder: Recorder, browserReplicas: number, roots: ProcessRoots, hold: () => Promise<T>): Promise<T> => {
  const split = procUnavailable === undefined ? await startCpuSplit(roots) : undefined
  const health = new GeneratorHealth(500)
  try {
    return await hold()
  } finally {
    const held = health.stop()
    recorder.figure('holdCpuPctMean', held.cpuPctMean)
    recorder.figure('holdCpuPctMax', held.cpuPctMax)
    recorder.figure('liveBrowserReplicas', browserReplicas)
    for (const [kind, pct] of Object.entries(await split?.stop() ?? {})) recorder.figure(`holdCpuPctByKind.${kind}`, pct)
  }
}
