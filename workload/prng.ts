/**
 * Seeded pseudo-random numbers (mulberry32): the same seed gives the same
 * workload on every machine, so a failing run can be replayed.
 *
 * @module workload/prng
 */

export type Random = () => number

/** @param {number} seed 32-bit seed @return {Random} uniform in [0, 1) */
export const mulberry32 = (seed: number): Random => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Derives an independent stream per replica from the run seed and a label (FNV-1a). */
export const deriveSeed = (seed: number, label: string): number => {
  let hash = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}
