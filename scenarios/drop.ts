/**
 * @drop: every connection is reset mid-workload (ECONNRESET through the chaos
 * proxy); replicas must reconnect, resync and converge with nothing lost.
 *
 * @module scenarios/drop
 */
import { faultAt, faultInsideWorkload, faultInsideWorkloadMessage, workloadScenario } from './base.ts'

export const dropSettings = workloadScenario.extend({
  /** When every connection is reset, from the first op. */
  faultAtMs: faultAt
}).refine(faultInsideWorkload, faultInsideWorkloadMessage)
