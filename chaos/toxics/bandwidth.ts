/**
 * bandwidth: limits throughput to rateKBps (1 KB = 1000 bytes) by writing
 * slices worth ~100 ms and sleeping for their transmission time.
 */
import { z } from 'zod'
import { registerToxic, type Toxic, type ToxicStub } from '../toxic.ts'

export const bandwidthAttributesSchema = z.strictObject({
  rateKBps: z.number().positive().max(10_000_000)
})
export type BandwidthAttributes = z.infer<typeof bandwidthAttributesSchema>

const sliceMs = 100

export class BandwidthToxic implements Toxic {
  constructor (private readonly attributes: BandwidthAttributes) {}

  async pipe (stub: ToxicStub): Promise<void> {
    const sliceBytes = Math.max(1, Math.floor(this.attributes.rateKBps * sliceMs))
    for (;;) {
      const chunk = await stub.read()
      if (typeof chunk === 'string') return
      let rest = chunk.data
      while (rest.length > 0) {
        if (stub.interrupted) {
          await stub.write(rest)
          return
        }
        const slice = rest.subarray(0, sliceBytes)
        rest = rest.subarray(slice.length)
        await stub.write(slice)
        // bytes / (KB/s) = ms
        await stub.sleep(slice.length / this.attributes.rateKBps)
      }
      if (stub.interrupted) return
    }
  }
}

registerToxic('bandwidth', attributes => new BandwidthToxic(bandwidthAttributesSchema.parse(attributes)))
