/**
 * Puts a replica host's HarnessApi members, and nothing else, on
 * `window.syncstorm`, then announces the page as ready in its title.
 *
 * @module client/harness/install
 */
import type { HarnessApi } from './api.ts'

/** @param {HarnessApi} host any host offering at least the harness API; its other members stay private to the page */
export const installHarness = (host: HarnessApi): void => {
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
}
