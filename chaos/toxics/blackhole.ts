/**
 * blackhole: stops forwarding in its direction while both sockets stay open,
 * a half-open connection that only heartbeats detect. Data read while it is
 * active is discarded at once (memory stays bounded), as is the end of the
 * stream; like Toxiproxy's `timeout` toxic with timeout 0.
 */
import { z } from 'zod'
import { registerToxic, type Toxic, type ToxicStub } from '../toxic.ts'

export const blackholeAttributesSchema = z.strictObject({})
export type BlackholeAttributes = z.infer<typeof blackholeAttributesSchema>

export class BlackholeToxic implements Toxic {
  async pipe (stub: ToxicStub): Promise<void> {
    for (;;) {
      const chunk = await stub.read()
      if (chunk === 'interrupted') return
      if (chunk === 'end') {
        // Swallow the end too; hold the stage until the link takes it back.
        await stub.sleep(Number.POSITIVE_INFINITY)
        return
      }
      // Dropped on purpose: the chunk is not written.
    }
  }
}

registerToxic('blackhole', attributes => {
  blackholeAttributesSchema.parse(attributes)
  return new BlackholeToxic()
})
