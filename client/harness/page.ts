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
import { installHarness } from './install.ts'

const host = createReplicaHost({ WebSocket: globalThis.WebSocket, openDocStore, storeBench: runStoreBench, hostName: 'the harness page' })

installHarness(host)
