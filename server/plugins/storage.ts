/**
 * `storage` plugin: the durable document store as `fastify.docStore`.
 * Every queued write is flushed, and every log closed, in `onClose`.
 *
 * @module server/plugins/storage
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { SyncError } from '../errors.ts'
import { DocStore } from '../storage/doc-store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    docStore: DocStore
  }
}

/** Journal size at which every written log is synced and the journal emptied. */
const journalCheckpointBytes = 64 * 2 ** 20

async function storagePlugin (fastify: FastifyInstance): Promise<void> {
  const { dataDir, maxLoadedDocs, compactThresholdBytes, groupCommitMs } = fastify.syncConfig
  const store = new DocStore({ dataDir, maxLoadedDocs, compactThresholdBytes, groupCommitMs, checkpointBytes: journalCheckpointBytes, observer: fastify.syncMetrics })
  try {
    await store.init()
  } catch (err) {
    throw new SyncError('SYNC_ERR_CONFIG', `Invalid setting --data-dir (env SYNC_DATA_DIR): cannot create ${JSON.stringify(dataDir)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}), allowed is a writable directory path.`)
  }
  fastify.syncMetrics.loadedDocs = () => store.loadedCount
  fastify.decorate('docStore', store)
  fastify.addHook('onClose', async () => {
    await store.close()
  })
}

export default fp(storagePlugin, { name: 'storage', fastify: '5.x', dependencies: ['config', 'metrics'] })
