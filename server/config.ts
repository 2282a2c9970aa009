/**
 * Server configuration: one zod schema, filled from CLI flags and `SYNC_*`
 * environment variables (a flag wins over the environment).
 *
 * Every setting has a flag (`--max-frame-bytes`) and an env name
 * (`SYNC_MAX_FRAME_BYTES`), derived from its key. A bad value yields one
 * sentence naming the setting and what is allowed (`ConfigError`).
 *
 * @module server/config
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max)

/** Each setting: its schema and the words telling a user what is allowed. */
const settings = {
  port: { schema: int(0, 65535).default(1234), allowed: 'an integer from 0 to 65535 (0 lets the OS pick)' },
  host: { schema: z.string().min(1).default('127.0.0.1'), allowed: 'a host name or IP address to listen on' },
  dataDir: { schema: z.string().min(1), allowed: 'a directory path for the document logs (required)' },
  adminToken: { schema: z.string().min(8).optional(), allowed: 'a secret of at least 8 characters (enables /admin)' },
  authSecret: { schema: z.string().min(16).optional(), allowed: 'a secret of at least 16 characters (enables token auth)' },
  maxFrameBytes: { schema: int(1024, 256 * 2 ** 20).default(16 * 2 ** 20), allowed: 'an integer from 1024 to 268435456' },
  maxConnections: { schema: int(1, 1_000_000).default(10_000), allowed: 'an integer from 1 to 1000000' },
  maxLoadedDocs: { schema: int(1, 1_000_000).default(1000), allowed: 'an integer from 1 to 1000000' },
  compactThresholdBytes: { schema: int(4096, 2 ** 31).default(8 * 2 ** 20), allowed: 'an integer from 4096 to 2147483648' },
  groupCommitMs: { schema: int(0, 1000).default(10), allowed: 'an integer from 0 to 1000 (minimum milliseconds between two journal fdatasyncs)' },
  heartbeatIntervalMs: { schema: int(50, 3_600_000).default(30_000), allowed: 'an integer from 50 to 3600000' },
  heartbeatTimeoutMs: { schema: int(50, 3_600_000).default(10_000), allowed: 'an integer from 50 to 3600000' },
  maxBufferedBytes: { schema: int(1024, 2 ** 31).default(64 * 2 ** 20), allowed: 'an integer from 1024 to 2147483648 (keep it above --max-frame-bytes)' },
  rateLimitPerSec: { schema: int(1, 1_000_000).default(1000), allowed: 'an integer from 1 to 1000000 (messages per second per connection)' },
  rateLimitBurst: { schema: int(1, 10_000_000).default(2000), allowed: 'an integer from 1 to 10000000 (messages)' },
  logLevel: { schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'), allowed: 'one of fatal, error, warn, info, debug, silent' }
} as const

type SettingKey = keyof typeof settings
const settingKeys = Object.keys(settings) as SettingKey[]

/** The server configuration schema. */
export const configSchema = z.object({
  port: settings.port.schema,
  host: settings.host.schema,
  dataDir: settings.dataDir.schema,
  adminToken: settings.adminToken.schema,
  authSecret: settings.authSecret.schema,
  maxFrameBytes: settings.maxFrameBytes.schema,
  maxConnections: settings.maxConnections.schema,
  maxLoadedDocs: settings.maxLoadedDocs.schema,
  compactThresholdBytes: settings.compactThresholdBytes.schema,
  groupCommitMs: settings.groupCommitMs.schema,
  heartbeatIntervalMs: settings.heartbeatIntervalMs.schema,
  heartbeatTimeoutMs: settings.heartbeatTimeoutMs.schema,
  maxBufferedBytes: settings.maxBufferedBytes.schema,
  rateLimitPerSec: settings.rateLimitPerSec.schema,
  rateLimitBurst: settings.rateLimitBurst.schema,
  logLevel: settings.logLevel.schema
})

/** Parsed configuration (defaults filled in). */
export type ServerConfig = z.infer<typeof configSchema>
/** Configuration as given by a caller: defaults may be left out. */
export type ServerConfigInput = z.input<typeof configSchema>

/** Thrown for a bad setting; `message` is one sentence for the user. */
export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** `maxFrameBytes` -> `max-frame-bytes` */
export const flagName = (key: SettingKey): string => key.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)
/** `maxFrameBytes` -> `SYNC_MAX_FRAME_BYTES` */
export const envName = (key: SettingKey): string => `SYNC_${key.replace(/[A-Z]/g, c => `_${c}`).toUpperCase()}`

/**
 * Validates a configuration object.
 * @param {unknown} input raw values (strings are coerced)
 * @return {ServerConfig}
 * @throws {ConfigError} naming the first bad setting and what is allowed
 */
export const parseConfig = (input: unknown): ServerConfig => {
  const result = configSchema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const key = issue.path[0] as SettingKey
  const spec = settings[key]
  const given = (input as Record<string, unknown>)[key]
  const shown = given === undefined ? 'nothing' : JSON.stringify(String(given))
  throw new ConfigError(`Invalid setting --${flagName(key)} (env ${envName(key)}): got ${shown}, allowed is ${spec.allowed}.`)
}

/**
 * Reads the configuration from CLI arguments and the environment.
 * @param {string[]} argv arguments after the script name
 * @param {Record<string,string|undefined>} env usually process.env
 * @return {ServerConfig}
 * @throws {ConfigError}
 */
export const loadConfig = (argv: string[], env: Record<string, string | undefined>): ServerConfig => {
  let flags: Record<string, string | boolean | undefined>
  try {
    flags = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(settingKeys.map(key => [flagName(key), { type: 'string' as const }]))
    }).values as Record<string, string | undefined>
  } catch (err) {
    throw new ConfigError(`Invalid command line: ${(err as Error).message.replace(/\.$/, '')}; known flags are ${settingKeys.map(k => `--${flagName(k)}`).join(', ')}.`)
  }
  const raw: Record<string, unknown> = {}
  for (const key of settingKeys) {
    const value = flags[flagName(key)] ?? env[envName(key)]
    if (value !== undefined && value !== '') raw[key] = value
  }
  return parseConfig(raw)
}
