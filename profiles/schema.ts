/**
 * Profiles: sizes, rates, durations and thresholds as data (k6 style),
 * validated before the run. Each scenario's entry is parsed by that
 * scenario's own settings schema (scenarios/<name>.ts), which extends a
 * common base with its defaults. Objects are strict: a misspelt setting
 * fails the profile instead of being ignored. Types come from these schemas.
 *
 * @module profiles/schema
 */
import { z } from 'zod'
import { baselineSettings } from '../scenarios/baseline.ts'
import { rampSettings } from '../scenarios/ramp.ts'
import { conflictSettings } from '../scenarios/conflict.ts'
import { burstSettings } from '../scenarios/burst.ts'
import { coldsyncSettings } from '../scenarios/coldsync.ts'
import { crashSettings } from '../scenarios/crash.ts'
import { dropSettings } from '../scenarios/drop.ts'
import { halfopenSettings } from '../scenarios/halfopen.ts'
import { partitionSettings } from '../scenarios/partition.ts'
import { stormSettings } from '../scenarios/storm.ts'
import { churnSettings } from '../scenarios/churn.ts'
import { floodSettings } from '../scenarios/flood.ts'
import { idleSettings } from '../scenarios/idle.ts'
import { spikeSettings } from '../scenarios/spike.ts'
import { sessionsSettings } from '../scenarios/sessions.ts'
import { soakSettings } from '../scenarios/soak.ts'
import { opfsSettings } from '../scenarios/opfs.ts'
import { persistSettings } from '../scenarios/persist.ts'
import { rejoinSettings } from '../scenarios/rejoin.ts'

/**
 * Generator saturation rule (DESIGN §4 generator health): during a measured
 * window, when the runner's event-loop lag p99, the host CPU or the browser
 * round-trip stays above its bound for `sustainedMs`, the test is `invalid`.
 */
export const generatorRuleSchema = z.strictObject({
  maxLoopLagMs: z.number().positive(),
  maxCpuPct: z.number().positive().max(100),
  maxRoundTripMs: z.number().positive(),
  sustainedMs: z.number().int().min(0),
  /**
   * Where the runner carries deliveries itself (Node replicas receive them, the built-in proxy relays
   * them), every stall of its loop over `maxLoopLagMs` holds them back, sustained or not. Stalls covering more than this
   * share of a measured phase can be its tail percentiles (0.01 is p99's tail): the test is `invalid`.
   */
  maxStalledShare: z.number().min(0).max(1).default(0.01),
  /** Sampling period of loop lag, CPU and round-trip. */
  sampleEveryMs: z.number().int().min(50).default(500),
  /** Off: the figures are recorded but never invalidate (the self-tests judge detectors, not the machine). */
  enabled: z.boolean().default(true)
})
export type GeneratorRule = z.infer<typeof generatorRuleSchema>

/** A leak is a slope whose bootstrap interval lies above both bounds (metrics/leak.ts). */
export const leakThresholdSchema = z.strictObject({ bytesPerMin: z.number().min(0), bytesPerOp: z.number().min(0) })
/** The server's also bound its memory per closed connection (@sessions, as the sessions end). */
export const serverLeakThresholdSchema = leakThresholdSchema.extend({ bytesPerConnection: z.number().min(0) })

/** Heap sampling (fixtures/heap.ts) and the leak verdict. */
export const heapSettingsSchema = z.strictObject({
  /**
   * passive: heaps as they are, no forced GC (does not disturb latency windows);
   * gc: a forced GC before each sample, for leak verdicts; off: no sampling.
   * The leak-judging scenarios ask for gc themselves.
   */
  sampling: z.enum(['passive', 'gc', 'off']).default('passive'),
  /** How often every Chromium page is sampled, and the server unless `serverSampleIntervalMs` says otherwise. */
  sampleIntervalMs: z.number().int().min(500),
  /**
   * How often the server is sampled in gc mode (passive mode keeps `sampleIntervalMs`,
   * to read its /metrics less while latency is measured). Its heap after a GC is cheap to read, and
   * it is noisier against its growth than a page's, so more samples are needed
   * to narrow its leak interval. Warm-up and minimum samples cover the same
   * time as the pages' (`warmupSamples` and `minSamples` are in page samples).
   */
  serverSampleIntervalMs: z.number().int().min(250).optional(),
  /** Leading samples dropped before fitting (page load, first sync, JIT warm-up). */
  warmupSamples: z.number().int().min(0),
  /** Fewer samples than this after the warm-up: no leak verdict for that series (a suite error where one is needed). */
  minSamples: z.number().int().min(3),
  client: leakThresholdSchema,
  /** On the server's heap after a GC (admin API or inspector). */
  server: serverLeakThresholdSchema,
  /** On its process tree's RSS, for a target whose heap the suite cannot read. */
  serverRss: serverLeakThresholdSchema,
  bootstrapResamples: z.number().int().min(100).max(100_000).default(1_000),
  confidence: z.number().gt(0.5).lt(1).default(0.95)
})
export type HeapSettings = z.infer<typeof heapSettingsSchema>

/** Every scenario's settings schema, by the name its tag and its profile entry use. */
export const scenarioSchemas = {
  baseline: baselineSettings,
  ramp: rampSettings,
  conflict: conflictSettings,
  burst: burstSettings,
  coldsync: coldsyncSettings,
  crash: crashSettings,
  drop: dropSettings,
  halfopen: halfopenSettings,
  partition: partitionSettings,
  storm: stormSettings,
  churn: churnSettings,
  flood: floodSettings,
  idle: idleSettings,
  spike: spikeSettings,
  sessions: sessionsSettings,
  soak: soakSettings,
  opfs: opfsSettings,
  persist: persistSettings,
  rejoin: rejoinSettings
}

export const profileSchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  /** From quiesce until all digests must match; a miss is a `stuck` failure. */
  convergenceDeadlineMs: z.number().int().positive(),
  /** How long after quiesce a write may still wait for its ack. */
  ackDeadlineMs: z.number().int().positive(),
  /** Contexts created in parallel per batch. */
  contextBatch: z.number().int().positive().default(5),
  client: z.strictObject({
    /** A connection attempt not open by then is abandoned and retried. */
    connectTimeoutMs: z.number().positive(),
    heartbeat: z.strictObject({ intervalMs: z.number().positive(), timeoutMs: z.number().positive() }),
    backoff: z.strictObject({ initialMs: z.number().positive(), maxMs: z.number().positive() })
  }),
  /** When a measured window's figures are the generator's, not the target's: the verdict becomes invalid. */
  generator: generatorRuleSchema.default({ maxLoopLagMs: 250, maxCpuPct: 98, maxRoundTripMs: 1_000, sustainedMs: 5_000, maxStalledShare: 0.01, sampleEveryMs: 500, enabled: true }),
  heap: heapSettingsSchema,
  scenarios: z.strictObject(scenarioSchemas)
})
export type Profile = z.infer<typeof profileSchema>
export type ProfileInput = z.input<typeof profileSchema>
export type ScenarioName = keyof Profile['scenarios']
