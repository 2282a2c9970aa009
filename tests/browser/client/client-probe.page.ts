/**
 * Test page for storage failures of the client: holds an OPFS sync access
 * handle, then starts a SyncClient on the same namespace, and reports what the
 * client said. Puts `window.clientProbe` on the page.
 */
import * as Y from 'yjs'
import { SyncClient, storeNamespace } from '../../../client/sync-client.ts'
import { connectOptionsSchema } from '../../../client/harness/api.ts'
import { openDocStore } from '../../../client/store/doc-store.ts'
import { StoreError } from '../../../client/store/store.ts'

export interface LockProbeResult {
  /** The StoreError code start() rejected with, or a note that it did not. */
  rejectedWith: string
  /** Codes of the client's 'error' events. */
  eventCodes: Array<string | undefined>
  /** The client's stats.errors. */
  statsErrors: string[]
}

const lockProbe = async (url: string): Promise<LockProbeResult> => {
  const options = connectOptionsSchema.parse({ replicaId: 'locked', url, docName: 'lock', store: 'opfs-worker' })
  // Another holder keeps its sync access handles open, as a second tab would.
  const holder = await openDocStore('opfs-worker', storeNamespace(options), { keepHandlesOpen: true })
  try {
    await holder.appendUpdate(Y.encodeStateAsUpdate(new Y.Doc()))
    await holder.loadUpdates()
    const client = new SyncClient(options, { WebSocket, openDocStore })
    const eventCodes: Array<string | undefined> = []
    client.on('error', event => eventCodes.push(event.code))
    let rejectedWith = 'start() resolved'
    try {
      await client.start()
    } catch (err) {
      rejectedWith = err instanceof StoreError ? err.code : `not a StoreError: ${String(err)}`
    }
    const statsErrors = client.snapshot().errors
    await client.close()
    return { rejectedWith, eventCodes, statsErrors }
  } finally {
    await holder.close()
  }
}

declare global {
  interface Window { clientProbe: { lockProbe: typeof lockProbe } }
}
window.clientProbe = { lockProbe }
document.title = 'client probe ready'
