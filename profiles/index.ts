/**
 * Picks the profile (`STRESS_PROFILE`, default `smoke`), applies environment
 * overrides and validates the result. Any bad value is one sentence naming the
 * variable and what it accepts.
 *
 * Profiles: smoke (default, CI on 2 cores), light, medium, heavy, soak; the
 * bigger ones are smoke plus a partial override (profiles/derive.ts).
 *
 * Overrides: STRESS_SEED, STRESS_RATE (ops/s per replica, all scenarios; replica
 * classes keep their own rates), STRESS_DURATION_MS (all scenarios),
 * STRESS_CONTEXTS, STRESS_REPLICAS_PER_PAGE, STRESS_NODE_REPLICAS (all
 * scenarios' swarms), STRESS_SESSIONS (the sessions scenario's session count),
 * STRESS_GENERATOR_CHECK (on/off: whether a saturated generator makes a verdict invalid).
 *
 * @module profiles
 */
import { z } from 'zod'
import { profileSchema, type Profile, type ProfileInput } from './schema.ts'
import { smoke } from './smoke.ts'
import { light } from './light.ts'
import { medium } from './medium.ts'
import { heavy } from './heavy.ts'
import { soak } from './soak.ts'

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
  STRESS_GENERATOR_CHECK: z.enum(['on', 'off']).optional()
})

const oneSentence = (error: z.ZodError, source: string): string => {
  const issue = error.issues[0]
  return `${issue.path.join('.') || source}: ${issue.message}`
}

export interface ResolvedRun {
  profile: Profile
  seed: number
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @return {ResolvedRun}
 * @throws {Error} with one sentence on a bad profile name, profile or override
 */
export const resolveProfile = (env: NodeJS.ProcessEnv = process.env): ResolvedRun => {
  const relevant = Object.fromEntries(Object.entries(env).filter(([key, value]) => key in envSchema.shape && value !== ''))
  const parsedEnv = envSchema.safeParse(relevant)
  if (!parsedEnv.success) {
    const issue = parsedEnv.error.issues[0]
    throw new Error(`${String(issue.path[0])}=${env[String(issue.path[0])]} is invalid: ${issue.message}. Fix or unset it.`)
  }
  const overrides = parsedEnv.data
  const name = overrides.STRESS_PROFILE ?? 'smoke'
  const base = profiles[name]
  if (base === undefined) throw new Error(`STRESS_PROFILE=${name} is not a profile: use one of ${Object.keys(profiles).join(', ')}.`)
  const input = structuredClone(base) as ProfileInput
  for (const scenario of Object.values(input.scenarios)) {
    if (overrides.STRESS_RATE !== undefined) scenario.ratePerReplica = overrides.STRESS_RATE
    if (overrides.STRESS_DURATION_MS !== undefined) scenario.durationMs = overrides.STRESS_DURATION_MS
    if (overrides.STRESS_CONTEXTS !== undefined) {
      // Ramp stages keep their shape, scaled to the new top.
      const top = scenario.swarm.contexts
      const target = overrides.STRESS_CONTEXTS
      scenario.stages = scenario.stages?.map(stage => ({ ...stage, contexts: top === 0 ? target : Math.ceil(stage.contexts * target / top) }))
      scenario.swarm.contexts = target
    }
    if (overrides.STRESS_REPLICAS_PER_PAGE !== undefined) scenario.swarm.replicasPerPage = overrides.STRESS_REPLICAS_PER_PAGE
    if (overrides.STRESS_NODE_REPLICAS !== undefined) scenario.swarm.nodeReplicas = overrides.STRESS_NODE_REPLICAS
  }
  if (overrides.STRESS_GENERATOR_CHECK !== undefined) input.generator = { ...(input.generator ?? profileSchema.shape.generator.parse(undefined)), enabled: overrides.STRESS_GENERATOR_CHECK === 'on' }
  if (overrides.STRESS_SESSIONS !== undefined) input.scenarios.sessions.swarm.nodeReplicas = overrides.STRESS_SESSIONS * (input.scenarios.sessions.rooms?.perRoom ?? 2)
  const parsed = profileSchema.safeParse(input)
  if (!parsed.success) throw new Error(`profile ${name} is invalid: ${oneSentence(parsed.error, name)}.`)
  const seed = overrides.STRESS_SEED ?? (Date.now() % 2 ** 31)
  return { profile: parsed.data, seed }
}
