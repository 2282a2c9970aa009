/**
 * The convergence check of DESIGN §4, as a pure function over what the
 * replicas, the server and a freshly cold-loaded client report after quiesce:
 *   1. every party has the same digest;
 *   2. every acknowledged op id is held by every replica (lost = 0);
 *   3. no replica holds an op id that no replica invoked (phantom = 0).
 *
 * @module oracle/convergence
 */

export interface PartyState {
  /** Replica id, `server`, or `fresh-client`. */
  id: string
  digest: string
  opIds: ReadonlySet<string>
}

export interface ConvergenceInput {
  replicas: PartyState[]
  /** The server's own view, when the target exposes it. */
  server?: PartyState
  /** A client that joined after quiesce and loaded everything from the server. */
  freshClient: PartyState
  /** Op ids of writes any replica invoked. */
  invoked: ReadonlySet<string>
  /** Op ids of writes the target acknowledged (or, without acks, the ones a peer saw before the end). */
  acknowledged: ReadonlySet<string>
}

export interface LostOp { opId: string, missingAt: string[] }

export interface ConvergenceVerdict {
  ok: boolean
  /** The digest most parties agree on. */
  majorityDigest: string
  /** Parties whose digest differs from the fresh client's (the server's state as served). */
  divergent: Array<{ id: string, digest: string }>
  lost: LostOp[]
  phantom: Array<{ opId: string, heldBy: string[] }>
  /** Human-readable, names the replicas and op ids at fault. */
  message: string
}

const preview = <T>(items: T[], n = 10): string => `${items.slice(0, n).join(', ')}${items.length > n ? ` … (+${items.length - n} more)` : ''}`

/**
 * @param {ConvergenceInput} input
 * @return {ConvergenceVerdict}
 */
export const checkConvergence = (input: ConvergenceInput): ConvergenceVerdict => {
  const parties = [...input.replicas, ...(input.server === undefined ? [] : [input.server]), input.freshClient]
  const votes = new Map<string, number>()
  for (const party of parties) votes.set(party.digest, (votes.get(party.digest) ?? 0) + 1)
  const majorityDigest = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? ''
  // The reference is what a newcomer gets from the server; ties go to it.
  const reference = input.freshClient.digest
  const divergent = parties.filter(p => p.digest !== reference).map(p => ({ id: p.id, digest: p.digest }))

  const holders = [...input.replicas, input.freshClient]
  const lost: LostOp[] = []
  for (const opId of input.acknowledged) {
    const missingAt = holders.filter(p => !p.opIds.has(opId)).map(p => p.id)
    if (missingAt.length > 0) lost.push({ opId, missingAt })
  }
  const phantomHolders = new Map<string, string[]>()
  for (const party of holders) {
    for (const opId of party.opIds) {
      if (!input.invoked.has(opId)) phantomHolders.set(opId, [...(phantomHolders.get(opId) ?? []), party.id])
    }
  }
  const phantom = [...phantomHolders.entries()].map(([opId, heldBy]) => ({ opId, heldBy }))

  const lines: string[] = []
  if (divergent.length > 0) {
    lines.push(`${divergent.length} of ${parties.length} parties differ from the server's state as a fresh client loads it (${reference.slice(0, 12)}): ${preview(divergent.map(d => `${d.id}=${d.digest.slice(0, 12)}`))}`)
    // Name the op ids behind the difference, where op ids tell it (a digest can also differ on todo state alone).
    for (const party of input.replicas.filter(p => divergent.some(d => d.id === p.id)).slice(0, 8)) {
      const lacking = [...input.freshClient.opIds].filter(id => !party.opIds.has(id))
      const notOnServer = [...party.opIds].filter(id => !input.freshClient.opIds.has(id))
      if (lacking.length > 0) lines.push(`  ${party.id} lacks ${lacking.length} op(s) the server has: ${preview(lacking, 6)}`)
      if (notOnServer.length > 0) lines.push(`  ${party.id} holds ${notOnServer.length} op(s) the server does not: ${preview(notOnServer, 6)}`)
      if (lacking.length === 0 && notOnServer.length === 0) lines.push(`  ${party.id} holds the same op ids as the server but different todo state`)
    }
  }
  if (lost.length > 0) {
    lines.push(`${lost.length} acknowledged op(s) lost: ${preview(lost.map(l => `${l.opId} missing at ${preview(l.missingAt, 4)}`), 8)}`)
  }
  if (phantom.length > 0) {
    lines.push(`${phantom.length} phantom op(s) that no replica invoked: ${preview(phantom.map(p => `${p.opId} held by ${preview(p.heldBy, 4)}`), 8)}`)
  }
  const ok = lines.length === 0
  return {
    ok,
    majorityDigest,
    divergent,
    lost,
    phantom,
    message: ok ? `converged: ${parties.length} parties share digest ${reference.slice(0, 12)}; ${input.acknowledged.size} acknowledged ops all present` : lines.join('\n')
  }
}
