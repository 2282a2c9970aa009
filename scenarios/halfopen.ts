/**
 * @halfopen: all traffic is blackholed while sockets stay open, the failure
 * only a client's own heartbeat can notice; then the link heals. Clients
 * that have not noticed by `faultDurationMs` are watched up to `watchLimitMs`.
 *
 * @module scenarios/halfopen
 */
import { z } from 'zod'
import { blackholeAttributesSchema } from '../chaos/toxics/blackhole.ts'
import { faultAt, faultInsideWorkload, faultInsideWorkloadMessage, workloadScenario } from './base.ts'

export const blackholeFields = {
  /** When the blackhole starts, from the first op. */
  faultAtMs: faultAt,
  /** How long nothing flows. */
  faultDurationMs: z.number().int().positive(),
  /** What a blackholed connection may hold before the proxy resets it (chaos/toxics/blackhole.ts); the proxy's Linux-like defaults when absent. */
  hold: blackholeAttributesSchema.optional()
}

export const halfopenSettings = workloadScenario.extend({
  ...blackholeFields,
  /**
   * From the blackhole's start: how long it stays up at most while a client
   * has not noticed it, so that a late client's detection time is measured
   * (the official y-websocket provider and Hocuspocus notice after 30 s).
   */
  watchLimitMs: z.number().int().positive().max(120_000).default(60_000)
}).refine(s => s.watchLimitMs >= s.faultDurationMs, 'halfopen.watchLimitMs must be at least faultDurationMs: it extends the blackhole, never shortens it').refine(faultInsideWorkload, faultInsideWorkloadMessage)

