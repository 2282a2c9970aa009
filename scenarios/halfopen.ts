/**
 * @halfopen: all traffic is blackholed while sockets stay open, the failure
 * only a client's own heartbeat can notice; then the link heals.
 *
 * @module scenarios/halfopen
 */
import { z } from 'zod'
import { faultAt, faultInsideWorkload, faultInsideWorkloadMessage, workloadScenario } from './base.ts'

export const blackholeFields = {
  /** When the blackhole starts, from the first op. */
  faultAtMs: faultAt,
  /** How long nothing flows. */
  faultDurationMs: z.number().int().positive()
}

export const halfopenSettings = workloadScenario.extend(blackholeFields).refine(faultInsideWorkload, faultInsideWorkloadMessage)

