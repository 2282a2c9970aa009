/**
 * The harness page for an adapter: scripts/build-client.mjs bundles one per
 * adapter (dist/harness/adapters/<name>.js) with an entry that imports the
 * adapter module and calls installAdapterPage. Like client/harness/page.ts it
 * puts the harness API on `window.syncstorm`, with the store benchmark: the
 * browser's stores, and the client's own (`store: 'sdk'`) when its adapter
 * exports openBenchStore.
 *
 * @module client/harness/adapter-page
 */
import { checkAdapter } from '../adapter/contract.ts'
import { createAdapterHost } from '../adapter/host.ts'
import { adapterBenchStore } from '../adapter/bench-store.ts'
import { runStoreBench } from '../store/bench.ts'
import type { WebSocketConstructor } from '../sync-client.ts'
import { installHarness } from './install.ts'

/**
 * @param {unknown} candidate the adapter module's default export
 * @param {string} source where it came from, for error messages
 */
export const installAdapterPage = (candidate: unknown, source: string): void => {
  const adapter = checkAdapter(candidate, source)
  const openSdkStore = adapterBenchStore(adapter)
  installHarness(createAdapterHost(adapter, globalThis.WebSocket as unknown as WebSocketConstructor, `the ${adapter.name} harness page`, options => runStoreBench(options, {}, openSdkStore)))
}
