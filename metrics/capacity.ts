/**
 * Does this machine hold the planned run? Pure: the plan (sockets per
 * process, memory) against what the machine offers (`ulimit -n`, available
 * memory), before anything connects. A run too large for one machine stops
 * with one sentence naming the limit it hit and where the rest can go: more
 * hosts (`STRESS_BROWSER_ENDPOINTS`) or shards. A saturated CPU shows only
 * while running: the generator-health rule marks that run invalid, with the
 * same pointer (`beyondOneMachine`).
 *
 * @module metrics/capacity
 */

/** Where a run too large for one machine goes (README sections). */
export const beyondOneMachine = 'spread the swarm over more hosts (STRESS_BROWSER_ENDPOINTS, README "Large swarms over several hosts") or shard the run (README "Sharding across CI machines")'

export interface CapacityPlan {
  /** What runs, for the sentence: e.g. `@sessions (heavy)`. */
  label: string
  /** Open sockets planned per process kind, at the worst moment; the load workers' is per worker. */
  sockets: { runner: number, loadWorker: number, server: number }
  /** Memory the run needs on this machine, by part, in bytes. */
  memoryBytes: Record<string, number>
}

export interface Machine {
  /** `ulimit -n` of the runner, which its children inherit; undefined where the shell cannot tell. */
  openFileLimit?: number
  /** MemAvailable (/proc/meminfo); undefined where unknown. */
  availableBytes?: number
}

/** Descriptors a process needs besides its sockets: stdio, pipes, files, the runtime's own. */
export const fdReserve = 200

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`
const n = (value: number): string => value.toLocaleString('en-US')

/**
 * @param {CapacityPlan} plan
 * @param {Machine} machine
 * @return {string | undefined} one sentence naming the first limit the plan exceeds; undefined when it fits
 */
export const capacityProblem = (plan: CapacityPlan, machine: Machine): string | undefined => {
  const limit = machine.openFileLimit
  if (limit !== undefined) {
    const worst = (Object.entries(plan.sockets) as Array<[keyof CapacityPlan['sockets'], number]>).sort((a, b) => b[1] - a[1])[0]!
    const [kind, sockets] = worst
    if (sockets + fdReserve > limit) {
      const who = kind === 'loadWorker' ? 'each load worker' : kind === 'server' ? 'the server' : 'the runner'
      return `${plan.label} needs ${n(sockets)} sockets in ${who} but the open-file limit (ulimit -n) is ${n(limit)}: this machine's file descriptors are the limit; raise ulimit -n above ${n(sockets + fdReserve)}, lower STRESS_SESSIONS, or ${beyondOneMachine}.`
    }
  }
  const available = machine.availableBytes
  if (available !== undefined) {
    const parts = Object.entries(plan.memoryBytes).filter(([, bytes]) => bytes > 0)
    const total = parts.reduce((sum, [, bytes]) => sum + bytes, 0)
    if (total > available) {
      return `${plan.label} needs about ${gib(total)} of memory (${parts.map(([what, bytes]) => `${what} ${gib(bytes)}`).join(', ')}) but this machine has ${gib(available)} available: its memory is the limit; lower STRESS_SESSIONS or ${beyondOneMachine}.`
    }
  }
  return undefined
}
