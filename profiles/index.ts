/**
 * Picks the profile, applies environment overrides and validates the result.
 * Any bad value is one sentence naming the variable or the setting and what
 * it accepts.
 *
 * `STRESS_PROFILE` is a built-in name (smoke, the default; light, medium,
 * heavy, soak) or a path to a module of your own (`./my-profile.ts`) whose
 * default export is a profile: typically `derive(smoke, { … })`, or a plain
 * object copied from profiles/smoke.ts and edited. The same schemas check it.
 *
 * Overrides: STRESS_SEED, STRESS_RATE (ops/s per replica, every scenario
 * that has a rate; replica classes keep their own), STRESS_DURATION_MS (every
 * scenario that has a duration), STRESS_CONTEXTS, STRESS_REPLICAS_PER_PAGE,
 * STRESS_NODE_REPLICAS (every scenario's swarm), STRESS_SESSIONS (the
 * sessions scenario's Node sessions, one connection each), STRESS_ROOM_SIZE (replicas per room in
 * the ramp scenario: its rooms setting becomes `{ perRoom }`), STRESS_GENERATOR_CHECK (on/off: whether
 * a saturated generator makes a verdict invalid), STRESS_HEAP_SAMPLING
 * (passive/gc/off: the default heap sampling).
 *
 * @module profiles
 */
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { profileSchema, type Profile, type ProfileInput } from './schema.ts'
import { derive } from './derive.ts'
import { smoke } from './smoke.ts'
import { light } from './light.ts'
import { medium } from './medium.ts'
import { heavy } from './heavy.ts'
import { soak } from './soak.ts'

export { derive, smoke, light, medium, heavy, soak }
export type { Profile, ProfileInput }

export const profiles: Record<string, ProfileInput> = { smoke, light, medium, heavy, soak }

const positiveNumber = z.coerce.number().positive()
const count = z.coerce.number().int().min(0)

const envSchema = z.object({
  STRESS_PROFILE: z.string().optional(),
  STRESS_SEED: z.coerce.number().int().min(0).max(2 ** 32 - 1).optional(),
  STRESS_RATE: positiveNumber.optional(),
  STRESS_DURATION_MS: positiveNumber.int().optional(),
  STRESS_CONTEXTS: count.optional(),
  STRESS_REPLICAS_PER_PAGE: count.min(1).optional(),
  STRESS_NODE_REPLICAS: count.optional(),
  STRESS_SESSIONS: count.min(1).optional(),
  STRESS_ROOM_SIZE: count.min(1).max(100_000).optional(),
  STRESS_GENERATOR_CHECK: z.enum(['on', 'off']).optional(),
  STRESS_HEAP_SAMPLING: z.enum(['passive', 'gc', 'off']).optional()
})

const oneSentence = (error: z.ZodError): string => {
  const issue = error.issues[0]!
  return `${issue.path.join('.') || 'the profile'}: ${issue.message}`
}

export interface ResolvedRun {
  profile: Profile
  seed: number
}

const isPath = (name: string): boolean => /[\\/]|\.(m?[jt]s|json)$/.test(name)

/** A built-in profile by name, or the default export of a profile module of the user's. */
const loadProfile = async (name: string): Promise<ProfileInput> => {
  if (!isPath(name)) {
    const builtIn = profiles[name]
    if (builtIn === undefined) throw new Error(`STRESS_PROFILE=${name} is not a profile: use one of ${Object.keys(profiles).join(', ')}, or a path to your own profile module such as ./my-profile.ts.`)
    return builtIn
  }
  const file = path.resolve(name)
  let loaded: { default?: unknown }
  try {
    loaded = name.endsWith('.json')
      ? await import(pathToFileURL(file).href, { with: { type: 'json' } }) as { default?: unknown }
      : await import(pathToFileURL(file).href) as { default?: unknown }
  } catch (error) {
    throw new Error(`STRESS_PROFILE=${name}: could not load ${file} (${(error as Error).message.split('\n')[0]}); point it at a module whose default export is a profile, e.g. \`export default derive(smoke, { … })\`.`)
  }
  if (typeof loaded.default !== 'object' || loaded.default === null) throw new Error(`STRESS_PROFILE=${name}: ${file} has no default export; end it with \`export default derive(smoke, { … })\` or \`export default { …a profile… }\`.`)
  return loaded.default as ProfileInput
}

type ScenarioInput = Record<string, unknown> & { swarm?: { contexts?: number, replicasPerPage?: number, nodeReplicas?: number }, stages?: Array<{ contexts: number, holdMs: number }> }

/** Applies the STRESS_* overrides to a copy of the profile, field by field where a scenario has the field. */
const applyOverrides = (base: ProfileInput, overrides: z.infer<typeof envSchema>): ProfileInput => {
  const input = structuredClone(base)
  for (const scenario of Object.values(input.scenarios) as ScenarioInput[]) {
    if (overrides.STRESS_RATE !== undefined && 'ratePerReplica' in scenario) scenario.ratePerReplica = overrides.STRESS_RATE
    if (overrides.STRESS_DURATION_MS !== undefined && typeof scenario.durationMs === 'number') {
      // A fault keeps its place in the workload, scaled with it.
      if (typeof scenario.faultAtMs === 'number') scenario.faultAtMs = Math.floor(scenario.faultAtMs * overrides.STRESS_DURATION_MS / scenario.durationMs)
      scenario.durationMs = overrides.STRESS_DURATION_MS
    }
    const swarm = scenario.swarm
    if (swarm === undefined) continue
    if (overrides.STRESS_CONTEXTS !== undefined) {
      // Ramp stages keep their shape, scaled to the new top.
      const top = swarm.contexts ?? 0
      const target = overrides.STRESS_CONTEXTS
      if (scenario.stages !== undefined) scenario.stages = scenario.stages.map(stage => ({ ...stage, contexts: top === 0 ? target : Math.ceil(stage.contexts * target / top) }))
      swarm.contexts = target
    }
    if (overrides.STRESS_REPLICAS_PER_PAGE !== undefined) swarm.replicasPerPage = overrides.STRESS_REPLICAS_PER_PAGE
    if (overrides.STRESS_NODE_REPLICAS !== undefined) swarm.nodeReplicas = overrides.STRESS_NODE_REPLICAS
  }
  if (overrides.STRESS_GENERATOR_CHECK !== undefined) input.generator = { ...(input.generator ?? profileSchema.shape.generator.parse(undefined)), enabled: overrides.STRESS_GENERATOR_CHECK === 'on' }
  if (overrides.STRESS_HEAP_SAMPLING !== undefined) input.heap = { ...input.heap, sampling: overrides.STRESS_HEAP_SAMPLING }
  if (overrides.STRESS_ROOM_SIZE !== undefined) input.scenarios.ramp.rooms = { perRoom: overrides.STRESS_ROOM_SIZE, spread: 'round-robin' }
  // A session is one connection (one Node replica), as the k6 plan counts them.
  if (overrides.STRESS_SESSIONS !== undefined) input.scenarios.sessions.swarm.nodeReplicas = overrides.STRESS_SESSIONS
  return input
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @return {Promise<ResolvedRun>}
 * @throws {Error} with one sentence on a bad profile name, profile module, setting or override
 */
export const resolveProfile = async (env: NodeJS.ProcessEnv = process.env): Promise<ResolvedRun> => {
  const relevant = Object.fromEntries(Object.entries(env).filter(([key, value]) => key in envSchema.shape && value !== ''))
  const parsedEnv = envSchema.safeParse(relevant)
  if (!parsedEnv.success) {
    const issue = parsedEnv.error.issues[0]!
    throw new Error(`${String(issue.path[0])}=${env[String(issue.path[0])]} is invalid: ${issue.message}. Fix or unset it.`)
  }
  const overrides = parsedEnv.data
  const name = overrides.STRESS_PROFILE ?? 'smoke'
  const parsed = profileSchema.safeParse(applyOverrides(await loadProfile(name), overrides))
  if (!parsed.success) throw new Error(`profile ${name} is invalid: ${oneSentence(parsed.error)}.`)
  const seed = overrides.STRESS_SEED ?? (Date.now() % 2 ** 31)
  return { profile: parsed.data, seed }
}
