/**
 * A deliberately broken sync server for @rejoin's self-test: the reference
 * server (server/app.ts, same flags and environment as `npm run server`,
 * admin API included) with a debounced store, as many servers have, and
 * two bugs (Hocuspocus #995):
 *   - a write is acknowledged at once, and saved only once a document's writes
 *     pause for 2 s (a typical store debounce);
 *   - a document is unloaded as soon as its last client leaves (or the
 *     server stops), and its pending save is dropped: the next client loads
 *     what is on disk.
 *
 * Usage: node --import tsx tests/detectors/targets/debounced-server.ts --port <port> --data-dir <dir> [--host 127.0.0.1]
 */
import type { AddressInfo } from 'node:net'
import { buildServer } from '../../../server/app.ts'
import { loadConfig } from '../../../server/config.ts'
import { DocLog, type DurableWaiter } from '../../../server/storage/doc-log.ts'
import { DocStore, type StoredDoc } from '../../../server/storage/doc-store.ts'

const saveDebounceMs = 2_000

/** Per log, the writes acknowledged but not yet handed to the log, and the debounce timer. */
const unsaved = new WeakMap<DocLog, { writes: Array<{ payload: Uint8Array | null, seq: number }>, timer?: NodeJS.Timeout }>()
/** A saved write was acknowledged long ago: nobody is told again. */
const nobody: DurableWaiter = { onDurable: () => {}, onStorageFailed: () => {} }

const append = DocLog.prototype.append
DocLog.prototype.append = function debouncedAppend (this: DocLog, payload, waiter, seq): void {
  waiter.onDurable(seq)
  const pending = unsaved.get(this) ?? { writes: [] }
  unsaved.set(this, pending)
  pending.writes.push({ payload, seq })
  clearTimeout(pending.timer)
  pending.timer = setTimeout(() => {
    unsaved.delete(this)
    for (const write of pending.writes) append.call(this, write.payload, nobody, write.seq)
  }, saveDebounceMs)
}

const close = DocLog.prototype.close
DocLog.prototype.close = async function closeWithoutSaving (this: DocLog): Promise<void> {
  clearTimeout(unsaved.get(this)?.timer)
  unsaved.delete(this)
  await close.call(this)
}

const release = DocStore.prototype.release
DocStore.prototype.release = function releaseAndUnload (this: DocStore, stored: StoredDoc): void {
  release.call(this, stored)
  // As the store's own LRU eviction does (doc-store.ts evictIdle), but at once: the debounced writes are not `busy`.
  const store = this as unknown as { docs: Map<string, StoredDoc>, unloading: Map<string, Promise<void>> }
  if (stored.refs > 0 || store.docs.get(stored.name) !== stored) return
  store.docs.delete(stored.name)
  store.unloading.set(stored.name, stored.log.close().finally(() => {
    stored.doc.destroy()
    store.unloading.delete(stored.name)
  }))
}

const config = loadConfig(process.argv.slice(2), process.env)
const app = await buildServer(config)
await app.listen({ port: config.port, host: config.host })
const { port } = app.server.address() as AddressInfo
process.stdout.write(`${JSON.stringify({ event: 'listening', url: `ws://${config.host}:${port}`, port, pid: process.pid, debounced: true })}\n`)

const stop = (): void => { app.close().then(() => process.exit(0), () => process.exit(1)) }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
// Started by the suite: stop when the parent goes away.
if (process.send !== undefined) process.on('disconnect', stop)
