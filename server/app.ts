/**
 * Builds the reference sync server: one fastify plugin per concern.
 *
 *   config  -> metrics -> storage -> sync   [-> admin, when an admin token is set]
 *
 * @module server/app
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import { parseConfig, type ServerConfigInput } from './config.ts'
import adminPlugin from './plugins/admin.ts'
import configPlugin from './plugins/config.ts'
import metricsPlugin from './plugins/metrics.ts'
import storagePlugin from './plugins/storage.ts'
import syncPlugin from './plugins/sync.ts'

/**
 * Creates a ready (not yet listening) server. Logs go to stderr, so stdout
 * carries only the CLI's listening line.
 * @param {ServerConfigInput} input configuration; validated here
 * @return {Promise<FastifyInstance>} call `listen()`, and `close()` to flush and stop
 * @throws {ConfigError} for a bad setting
 */
export const buildServer = async (input: ServerConfigInput): Promise<FastifyInstance> => {
  const config = parseConfig(input)
  const app = Fastify({
    logger: { level: config.logLevel, stream: process.stderr },
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true
  })
  try {
    await app.register(configPlugin, { config })
    await app.register(metricsPlugin)
    await app.register(storagePlugin)
    await app.register(syncPlugin)
    app.get('/healthz', async () => ({
      status: 'ok',
      connections: app.syncMetrics.connections,
      loadedDocs: app.docStore.loadedCount,
      uptimeSeconds: Math.round(process.uptime())
    }))
    if (config.adminToken !== undefined) await app.register(adminPlugin, { adminToken: config.adminToken })
    await app.ready()
  } catch (err) {
    await app.close().catch(() => {})
    throw err
  }
  return app
}
