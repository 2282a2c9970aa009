/**
 * Profiles made from others (the bigger built-in ones, and users' own) are
 * a base plus a partial override, as data: a pure deep
 * merge, so a scenario added to smoke appears in every derived profile with
 * smoke's values until a profile says otherwise. Validation is the caller's
 * (profiles/index.ts parses every profile with the schema).
 *
 * Merge rules: plain objects merge key by key; arrays and scalars in the
 * override replace the base's (a threshold list or ramp stages are one value).
 *
 * @module profiles/derive
 */
import type { ProfileInput } from './schema.ts'

/** Every field optional, all the way down; arrays stay whole. */
export type DeepPartial<T> = T extends ReadonlyArray<unknown> ? T
  : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Pure: `override` merged over `base`; neither is modified.
 * @param {unknown} base
 * @param {unknown} override
 * @return {unknown} a fresh value
 */
export const deepMerge = (base: unknown, override: unknown): unknown => {
  if (override === undefined) return structuredClone(base)
  if (!isPlainObject(base) || !isPlainObject(override)) return structuredClone(override)
  const merged: Record<string, unknown> = structuredClone(base)
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value)
  return merged
}

/**
 * A profile made from another: `derive(smoke, { name: 'mine', description: '…', scenarios: { baseline: { durationMs: 60_000 } } })`.
 * @param {ProfileInput} base usually smoke
 * @param {DeepPartial<ProfileInput> & { name: string, description: string }} override
 * @return {ProfileInput} the derived profile, not yet validated
 */
export const derive = (base: ProfileInput, override: DeepPartial<ProfileInput> & { name: string, description: string }): ProfileInput =>
  deepMerge(base, override) as ProfileInput
