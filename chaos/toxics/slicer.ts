/**
 * slicer: splits each chunk into pieces of averageSizeBytes ± sizeVariationBytes,
 * written delayUs apart (timers have ~1 ms resolution, so small delays round up).
 */
import { z } from 'zod'
import { pipeInSlices, registerToxic, type Toxic, type ToxicStub } from '../toxic.ts'

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
    const delayMs = this.attributes.delayUs / 1000
    await pipeInSlices(stub, () => this.sliceBytes(), (_, restBytes) => restBytes > 0 ? delayMs : 0)
  }
}

registerToxic('slicer', attributes => new SlicerToxic(slicerAttributesSchema.parse(attributes)))
