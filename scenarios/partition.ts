/**
 * @partition: a share of the replicas is cut off (a blackhole on their
 * connections only) while both sides keep editing; after the heal everyone
 * converges with every write of both sides.
 *
 * @module scenarios/partition
 */
import { z } from 'zod'
import { faultInsideWorkload, faultInsideWorkloadMessage, workloadScenario } from './base.ts'
import { blackholeFields } from './halfopen.ts'

export const partitionSettings = workloadScenario.extend({
  ...blackholeFields,
  /** Share of the replicas cut off. */
  faultShare: z.number().gt(0).max(1).default(0.5)
}).refine(faultInsideWorkload, faultInsideWorkloadMessage)
