/**
 * Which local ops await a durable-write ack (protocol/wire.ts, type 100).
 *
 * Each op is bound to the ordinal of the document-writing message (step2 or
 * update) that carried it on the current connection; `ack(n)` acknowledges
 * every op carried by messages 1..n. When a connection ends, the ops it
 * carried but never got acked are unsent again: the step2 that answers the
 * server's step1 on the next connection carries them.
 *
 * @module client/ack-tracker
 */

export class AckTracker {
  /** Ops not carried by any message of the current connection. */
  private readonly unsent = new Set<string>()
  /** Message ordinal on this connection -> ops that message carried. */
  private readonly carried = new Map<number, string[]>()
  private sentWrites = 0
  private durableCount = 0

  /** @param {string} opId a local write not yet sent */
  invoke (opId: string): void {
    this.unsent.add(opId)
  }

  /**
   * Records one document-writing message sent on this connection.
   * @param {string[]} opIds the ops whose effects the message carries
   * @return {number} the message's ordinal on this connection
   */
  carry (opIds: string[]): number {
    this.sentWrites += 1
    for (const opId of opIds) this.unsent.delete(opId)
    if (opIds.length > 0) this.carried.set(this.sentWrites, opIds)
    return this.sentWrites
  }

  /** Records a step2, which carries every op still unsent. @return {number} its ordinal */
  carryUnsent (): number {
    return this.carry([...this.unsent])
  }

  /**
   * @param {number} durableCount the server's cumulative count on this connection
   * @return {string[]} ops acknowledged by this ack and not before
   */
  ack (durableCount: number): string[] {
    const upTo = Math.min(durableCount, this.sentWrites)
    const acked: string[] = []
    for (let ordinal = this.durableCount + 1; ordinal <= upTo; ordinal++) {
      const opIds = this.carried.get(ordinal)
      if (opIds !== undefined) {
        acked.push(...opIds)
        this.carried.delete(ordinal)
      }
    }
    this.durableCount = Math.max(this.durableCount, upTo)
    return acked
  }

  /** The connection ended: ops it carried without an ack must be carried again. */
  connectionEnded (): void {
    for (const opIds of this.carried.values()) for (const opId of opIds) this.unsent.add(opId)
    this.carried.clear()
    this.sentWrites = 0
    this.durableCount = 0
  }

  /** Number of local writes not yet acknowledged. */
  get pending (): number {
    let count = this.unsent.size
    for (const opIds of this.carried.values()) count += opIds.length
    return count
  }
}
