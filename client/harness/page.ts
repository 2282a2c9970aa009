/**
 * The harness page's bundle entry (dist/harness/page.js): the harness API
 * for any number of replicas in this page, each with its own Y.Doc, socket
 * and store. It puts the API on `window.syncstorm`, nothing else, then
 * announces itself in the title.
 *
 * @module client/harness/page
 */
import { createReplicaHost } from '../replica-host.ts'
import { openDocStore } from '../store/doc-store.ts'
import { runStoreBench } from '../store/bench.ts'
import type { HarnessApi } from './api.ts'

const host = createReplicaHost({ WebSocket: globalThis.WebSocket, openDocStore, storeBench: runStoreBench, hostName: 'the harness page' })

// Only the HarnessApi members: the host's direct client access stays private to the page.
const api: HarnessApi = {
  connect: host.connect,
  apply: host.apply,
  run: host.run,
  waitSynced: host.waitSynced,
  waitAcked: host.waitAcked,
  digest: host.digest,
  opIds: host.opIds,
  stats: host.stats,
  storeBench: host.storeBench,
  close: host.close,
  closeAll: host.closeAll
}
window.syncstorm = api
document.title = 'syncstorm harness ready'
