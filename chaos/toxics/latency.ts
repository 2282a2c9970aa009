/**
 * latency: delays every chunk by latencyMs ± jitterMs, measured from when the
 * chunk arrived, one chunk at a time so order is preserved.
 */
import { z } from 'zod'
import { registerToxic, type Toxic, type ToxicStub } from '../toxic.ts'

export const latencyAttributesSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(600_000),
  jitterMs: z.number().int().min(0).max(600_000).default(0)
})
export type LatencyAttributes = z.infer<typeof latencyAttributesSchema>

export class LatencyToxic implements Toxic {
  constructor (private readonly attributes: LatencyAttributes, private readonly random: () => number = Math.random) {}

  private delayMs (): number {
    const { latencyMs, jitterMs } = this.attributes
    return Math.max(0, latencyMs + (this.random() * 2 - 1) * jitterMs)
  }

  async pipe (stub: ToxicStub): Promise<void> {
    for (;;) {
      const chunk = await stub.read()
      if (typeof chunk === 'string') return
      const waitMs = this.delayMs() - (performance.now() - chunk.arrivedAtMs)
      // Interrupted or not, the chunk we hold is written, so a swap loses nothing.
      const slept = waitMs > 0 ? await stub.sleep(waitMs) : true
      await stub.write(chunk.data)
      if (!slept) return
    }
  }
}

registerToxic('latency', attributes => new LatencyToxic(latencyAttributesSchema.parse(attributes)))
