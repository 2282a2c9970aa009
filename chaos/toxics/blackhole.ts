/**
 * blackhole: forwards nothing in its direction while both sockets stay open,
 * a half-open connection that only heartbeats detect. Like TCP through an
 * outage it holds what it reads, the end of the stream included; when the
 * toxic is removed (the heal) the link delivers all of it, in order, before
 * any newer byte (DESIGN §5: a stream never resumes with bytes missing).
 *
 * The hold is bounded. Past `holdMaxBytes` held, or once the oldest held byte
 * has waited `holdMaxMs`, the connection is reset both ways, as a sender's TCP
 * gives up after tcp_retries2. A connection with nothing to send holds nothing
 * and survives any outage, as on a real network.
 */
import { z } from 'zod'
import { registerToxic, type HoldingToxic, type ToxicStub } from '../toxic.ts'

/** 4 MiB: Linux's default send buffer maximum (net.ipv4.tcp_wmem), what a sender can have unacknowledged. */
export const defaultHoldMaxBytes = 4 * 1024 * 1024
/** 15 min: about Linux's tcp_retries2 = 15, which gives up on unacknowledged data after ~924.6 s. */
export const defaultHoldMaxMs = 900_000

export const blackholeAttributesSchema = z.strictObject({
  /** Bytes held in this direction of one connection before it is reset; 0: any byte resets it (the interface is down). */
  holdMaxBytes: z.number().int().min(0).max(256 * 1024 * 1024).default(defaultHoldMaxBytes),
  /** How long the oldest held byte may wait before the connection is reset. */
  holdMaxMs: z.number().int().min(1).max(86_400_000).default(defaultHoldMaxMs)
})
export type BlackholeAttributes = z.infer<typeof blackholeAttributesSchema>
export type BlackholeAttributesInput = z.input<typeof blackholeAttributesSchema>

export class BlackholeToxic implements HoldingToxic {
  private held: Buffer[] = []
  private heldBytes = 0
  /** When the oldest held byte (or the held end) arrived; null while nothing is held. */
  private holdingSinceMs: number | null = null

  constructor (private readonly attributes: BlackholeAttributes) {}

  async pipe (stub: ToxicStub): Promise<void> {
    // The hold survives re-wiring (a neighbour added or removed): keep its countdown, do not restart it.
    if (this.holdingSinceMs !== null) this.expireAfterHoldMax(stub)
    for (;;) {
      const chunk = await stub.read()
      if (chunk === 'interrupted') return
      if (chunk === 'end') {
        // The end is held too; the link delivers it after the held bytes when the toxic goes.
        this.startHolding(stub)
        await stub.sleep(Number.POSITIVE_INFINITY)
        return
      }
      this.held.push(chunk.data)
      this.heldBytes += chunk.data.length
      this.startHolding(stub)
      if (this.heldBytes > this.attributes.holdMaxBytes) {
        stub.reset()
        return
      }
    }
  }

  release (): Buffer[] {
    const held = this.held
    this.held = []
    this.heldBytes = 0
    this.holdingSinceMs = null
    return held
  }

  private startHolding (stub: ToxicStub): void {
    if (this.holdingSinceMs !== null) return
    this.holdingSinceMs = performance.now()
    this.expireAfterHoldMax(stub)
  }

  /** One timer per run of `pipe`; the link clears it by interrupting the stub (heal, re-wiring, close). */
  private expireAfterHoldMax (stub: ToxicStub): void {
    const remainingMs = Math.max(0, (this.holdingSinceMs ?? 0) + this.attributes.holdMaxMs - performance.now())
    void stub.sleep(remainingMs).then(expired => { if (expired) stub.reset() })
  }
}

registerToxic('blackhole', attributes => new BlackholeToxic(blackholeAttributesSchema.parse(attributes)))
