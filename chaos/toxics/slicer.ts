/**
 * slicer: splits each chunk into pieces of averageSizeBytes ± sizeVariationBytes,
 * written delayUs apart (timers have ~1 ms resolution, so small delays round up).
 */
import { z } from 'zod'
import { registerToxic, type Toxic, type ToxicStub } from '../toxic.ts'

export const slicerAttributesSchema = z.strictObject({
  averageSizeBytes: z.number().int().min(1).max(16 * 1024 * 1024),
  sizeVariationBytes: z.number().int().min(0).max(16 * 1024 * 1024).default(0),
  delayUs: z.number().int().min(0).max(60_000_000).default(0)
}).refine(a => a.sizeVariationBytes < a.averageSizeBytes, 'sizeVariationBytes must be smaller than averageSizeBytes')
export type SlicerAttributes = z.infer<typeof slicerAttributesSchema>

export class SlicerToxic implements Toxic {
  constructor (private readonly attributes: SlicerAttributes, private readonly random: () => number = Math.random) {}

  private sliceBytes (): number {
    const { averageSizeBytes, sizeVariationBytes } = this.attributes
    return Math.max(1, Math.round(averageSizeBytes + (this.random() * 2 - 1) * sizeVariationBytes))
  }

  async pipe (stub: ToxicStub): Promise<void> {
    for (;;) {
      const chunk = await stub.read()
      if (typeof chunk === 'string') return
      let rest = chunk.data
      while (rest.length > 0) {
        if (stub.interrupted) {
          await stub.write(rest)
          return
        }
        const slice = rest.subarray(0, this.sliceBytes())
        rest = rest.subarray(slice.length)
        await stub.write(slice)
        if (rest.length > 0 && this.attributes.delayUs > 0) await stub.sleep(this.attributes.delayUs / 1000)
      }
      if (stub.interrupted) return
    }
  }
}

registerToxic('slicer', attributes => new SlicerToxic(slicerAttributesSchema.parse(attributes)))
