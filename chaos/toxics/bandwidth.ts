/**
 * bandwidth: limits throughput to rateKBps (1 KB = 1000 bytes) by writing
 * slices worth ~100 ms and sleeping for their transmission time.
 */
import { z } from 'zod'
import { pipeInSlices, registerToxic, type Toxic, type ToxicStub } from '../toxic.ts'

export const bandwidthAttributesSchema = z.strictObject({
  rateKBps: z.number().positive().max(10_000_000)
})
export type BandwidthAttributes = z.infer<typeof bandwidthAttributesSchema>

const sliceMs = 100

export class BandwidthToxic implements Toxic {
  constructor (private readonly attributes: BandwidthAttributes) {}

  async pipe (stub: ToxicStub): Promise<void> {
    const sliceBytes = Math.max(1, Math.floor(this.attributes.rateKBps * sliceMs))
    // bytes / (KB/s) = ms
    await pipeInSlices(stub, () => sliceBytes, bytes => bytes / this.attributes.rateKBps)
  }
}

registerToxic('bandwidth', attributes => new BandwidthToxic(bandwidthAttributesSchema.parse(attributes)))
