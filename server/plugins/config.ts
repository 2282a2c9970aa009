/**
 * `config` plugin: validates the configuration once and decorates it as
 * `fastify.syncConfig` for the other plugins.
 *
 * Uses fastify-plugin (unlike STYLE's "only storage and metrics"), because every
 * sibling plugin reads the decorator; the alternative, passing the config as
 * options to each, would parse it once per plugin.
 *
 * @module server/plugins/config
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { parseConfig, type ServerConfig } from '../config.ts'

declare module 'fastify' {
  interface FastifyInstance {
    syncConfig: ServerConfig
  }
}

/** Options: the raw configuration (parsed again here, so a caller cannot skip validation). */
export interface ConfigPluginOptions {
  config: unknown
}

async function configPlugin (fastify: FastifyInstance, options: ConfigPluginOptions): Promise<void> {
  fastify.decorate('syncConfig', parseConfig(options.config))
}

export default fp(configPlugin, { name: 'config', fastify: '5.x' })
