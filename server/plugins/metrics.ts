/**
 * `metrics` plugin: the prom-client registry as `fastify.syncMetrics`, and
 * `GET /metrics` in the Prometheus text format.
 *
 * @module server/plugins/metrics
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { ServerMetrics } from '../metrics.ts'

declare module 'fastify' {
  interface FastifyInstance {
    syncMetrics: ServerMetrics
  }
}

async function metricsPlugin (fastify: FastifyInstance): Promise<void> {
  const metrics = new ServerMetrics(fastify.log)
  fastify.decorate('syncMetrics', metrics)
  fastify.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType)
    return metrics.text()
  })
  fastify.addHook('onClose', async () => {
    metrics.registry.clear()
  })
}

export default fp(metricsPlugin, { name: 'metrics', fastify: '5.x', dependencies: ['config'] })
