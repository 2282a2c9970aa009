/**
 * reset_peer: forwards data for timeoutMs after the toxic reaches the
 * connection, then resets it: the client gets an RST (ECONNRESET) and the
 * upstream socket is closed.
 */
import { z } from 'zod'
import { NoopToxic, registerToxic, type Toxic, type ToxicStub } from '../toxic.ts'

export const resetAttributesSchema = z.strictObject({
  timeoutMs: z.number().int().min(0).max(3_600_000).default(0)
})
export type ResetAttributes = z.infer<typeof resetAttributesSchema>

export class ResetToxic implements Toxic {
  // Measured from the first pipe, so swapping neighbours in and out does not restart the countdown.
  private startedAtMs: number | null = null
  private readonly forward = new NoopToxic()

  constructor (private readonly attributes: ResetAttributes) {}

  async pipe (stub: ToxicStub): Promise<void> {
    this.startedAtMs ??= performance.now()
    const remainingMs = Math.max(0, this.startedAtMs + this.attributes.timeoutMs - performance.now())
    // Not awaited: the end of input is forwarded at once, and the reset still fires
    // afterwards; the link interrupts this stub (clearing the timer) when the connection goes.
    void stub.sleep(remainingMs).then(expired => { if (expired) stub.reset() })
    await this.forward.pipe(stub)
  }
}

registerToxic('reset_peer', attributes => new ResetToxic(resetAttributesSchema.parse(attributes)))
