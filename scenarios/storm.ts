/**
 * @storm: a reconnect storm. Everyone is dropped at once; their first retries
 * must be spread in time (backoff with jitter), or they hit the server together.
 *
 * @module scenarios/storm
 */
import { z } from 'zod'
import { faultAt, faultInsideWorkload, faultInsideWorkloadMessage, workloadScenario } from './base.ts'

export const stormSettings = workloadScenario.extend({
  /** When every connection is reset, from the first op. */
  faultAtMs: faultAt,
  /** The clients' backoff base for this scenario: wide enough that jitter shows. */
  backoffInitialMs: z.number().positive().default(1_000)
}).refine(faultInsideWorkload, faultInsideWorkloadMessage)
