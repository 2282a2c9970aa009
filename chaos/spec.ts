/**
 * Toxic specs: the JSON shape accepted by `addToxic` and the control API,
 * modelled on Toxiproxy's `{ name, type, stream, toxicity, attributes }` plus
 * `clients`, the subset of replicas (by `clientId`) the toxic targets.
 * Importing this module registers every built-in toxic.
 *
 * @module chaos/spec
 */
import { z } from 'zod'
import { ChaosError } from './errors.ts'
import { clientIdSchema, streamSchema } from './toxic.ts'
import { latencyAttributesSchema } from './toxics/latency.ts'
import { bandwidthAttributesSchema } from './toxics/bandwidth.ts'
import { resetAttributesSchema } from './toxics/reset.ts'
import { blackholeAttributesSchema, defaultHoldMaxBytes, defaultHoldMaxMs } from './toxics/blackhole.ts'
import { slicerAttributesSchema } from './toxics/slicer.ts'

export const toxicNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a toxic name must be 1-64 letters, digits or _ . -')

const common = {
  /** Defaults to `<type>_<stream>`, as in Toxiproxy. */
  name: toxicNameSchema.optional(),
  stream: streamSchema.default('downstream'),
  /** Probability (0..1) that the toxic applies to a given connection; otherwise a noop runs. */
  toxicity: z.number().min(0).max(1).default(1),
  /** Client ids the toxic applies to; absent = every connection. */
  clients: z.array(clientIdSchema).min(1).max(10_000).optional()
}

export const toxicSpecSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('latency'), attributes: latencyAttributesSchema, ...common }),
  z.strictObject({ type: z.literal('bandwidth'), attributes: bandwidthAttributesSchema, ...common }),
  z.strictObject({ type: z.literal('reset_peer'), attributes: resetAttributesSchema.default({ timeoutMs: 0 }), ...common }),
  z.strictObject({ type: z.literal('blackhole'), attributes: blackholeAttributesSchema.default({ holdMaxBytes: defaultHoldMaxBytes, holdMaxMs: defaultHoldMaxMs }), ...common }),
  z.strictObject({ type: z.literal('slicer'), attributes: slicerAttributesSchema, ...common })
])

/** A spec as written by callers (defaults optional). */
export type ToxicSpecInput = z.input<typeof toxicSpecSchema>
/** A validated spec with every default filled in and a name. */
export type ToxicSpec = z.output<typeof toxicSpecSchema> & { name: string }
export type ToxicType = ToxicSpec['type']

/**
 * Turns the first zod issue into one sentence naming the field.
 * @param {string} what e.g. 'toxic spec'
 * @param {z.ZodError} error
 */
export const describeIssue = (what: string, error: z.ZodError): string => {
  const issue = error.issues[0]
  const path = issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : ''
  return `Invalid ${what}${path}: ${issue.message.replace(/\.$/, '')}.`
}

/**
 * Validates a spec and fills in defaults; throws one sentence on bad input.
 * @param {unknown} input
 * @return {ToxicSpec}
 */
export const parseToxicSpec = (input: unknown): ToxicSpec => {
  const parsed = toxicSpecSchema.safeParse(input)
  if (!parsed.success) throw new ChaosError('CHAOS_ERR_INVALID', describeIssue('toxic spec', parsed.error))
  return { ...parsed.data, name: parsed.data.name ?? `${parsed.data.type}_${parsed.data.stream}` }
}
