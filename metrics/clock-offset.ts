/**
 * Clock offset of a remote host against the runner, NTP-style. Each round
 * trip reads the runner's clock (t0), the remote clock (remote), then the
 * runner's clock again (t1). The remote reading happened somewhere between t0
 * and t1, so the sample with the smallest round trip bounds the offset best:
 *
 *   offset = remote − (t0 + t1) / 2,   uncertainty = (t1 − t0) / 2
 *
 * A remote time t maps to runner time t − offset.
 *
 * @module metrics/clock-offset
 */
import { z } from 'zod'

export const clockSampleSchema = z.object({
  /** Runner clock before the request, epoch ms. */
  t0: z.number(),
  /** Remote clock while answering, epoch ms. */
  remote: z.number(),
  /** Runner clock after the answer, epoch ms. */
  t1: z.number()
}).refine(s => s.t1 >= s.t0, 'a sample must end after it started')
export type ClockSample = z.infer<typeof clockSampleSchema>

export interface ClockOffset {
  /** Remote clock minus runner clock, ms. */
  offsetMs: number
  /** Half the best round trip: the true offset lies within offsetMs ± uncertaintyMs. */
  uncertaintyMs: number
  /** The best (smallest) round trip, ms. */
  rttMs: number
  samples: number
}

/** The offset of a host that shares the runner's clock. */
export const sameClock: ClockOffset = { offsetMs: 0, uncertaintyMs: 0, rttMs: 0, samples: 0 }

/**
 * @param {ClockSample[]} samples at least one
 * @return {ClockOffset} from the sample with the smallest round trip
 */
export const offsetFromSamples = (samples: ClockSample[]): ClockOffset => {
  if (samples.length === 0) throw new Error('a clock offset needs at least one round trip')
  const best = samples.reduce((a, b) => (b.t1 - b.t0 < a.t1 - a.t0 ? b : a))
  const rttMs = best.t1 - best.t0
  return { offsetMs: best.remote - (best.t0 + best.t1) / 2, uncertaintyMs: rttMs / 2, rttMs, samples: samples.length }
}
