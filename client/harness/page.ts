/**
 * The harness page's bundle entry (dist/harness/page.js): the harness API
 * for any number of replicas in this page, each with its own Y.Doc, socket
 * and store. It puts the API on `window.syncstorm`, nothing else, then
 * announces itself in the title. Every context parses this bundle: the
 * stores and the store benchmark are chunks of their own, loaded the first
 * time a replica opens a store or a test runs the benchmark.
 *
 * @module client/harness/page
 */
import { createReplicaHost } from '../replica-host.ts'
import type { OpenDocStore } from '../persistence.ts'
import { installHarness } from './install.ts'

const openDocStore: OpenDocStore = async (kind, namespace) => await (await import('../store/doc-store.ts')).openDocStore(kind, namespace)

const host = createReplicaHost({
  WebSocket: globalThis.WebSocket,
  openDocStore,
  storeBench: async options => await (await import('../store/bench.ts')).runStoreBench(options),
  hostName: 'the harness page'
})

installHarness(host)
