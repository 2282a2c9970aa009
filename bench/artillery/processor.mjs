/**
 * One Artillery user of bench:artillery (artillery-engine-playwright test
 * function): it opens syncstorm's harness page in its own context, connects
 * one replica and runs the schedule the collector (bench/artillery/collector.ts)
 * gives it, calling the page exactly as syncstorm's runner does
 * (`page.evaluate` of `window.syncstorm[method]`). Plain JavaScript: Artillery
 * loads it in its own worker, without the suite's TypeScript loader.
 *
 * SYNCSTORM_COLLECTOR is the collector's http://127.0.0.1:<port> URL.
 */

const collector = process.env.SYNCSTORM_COLLECTOR

/** @param {string} route @param {unknown} [body] @return {Promise<any>} */
const post = async (route, body = {}) => {
  const response = await fetch(`${collector}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!response.ok) throw new Error(`collector ${route} answered ${response.status}: ${await response.text()}`)
  return response.status === 204 ? undefined : await response.json()
}

/**
 * @param {import('playwright').Page} page
 * @param {string} method a HarnessApi method (client/harness/api.ts)
 * @param {...unknown} args
 */
const call = async (page, method, ...args) => await page.evaluate(async ([name, params]) => await window.syncstorm[name](...params), [method, args])

/** @param {import('playwright').Page} page */
export async function syncUser (page) {
  if (collector === undefined) throw new Error('SYNCSTORM_COLLECTOR is not set: run this through `npm run bench:artillery`.')
  const { replicaId, harnessUrl, connect } = await post('/join')
  await page.goto(harnessUrl)
  await page.waitForFunction(() => typeof window.syncstorm === 'object', undefined, { timeout: 15_000 })
  await call(page, 'connect', connect)
  await call(page, 'waitSynced', replicaId, 20_000)
  const schedule = await post('/ready', { replicaId })
  await call(page, 'run', schedule)
  const { writes, settleMs } = await post('/ran', { replicaId })
  // Every write of the room, or the settle time: late deliveries count, as syncstorm's oracle waits for convergence.
  const deadline = Date.now() + settleMs
  while ((await call(page, 'opIds', replicaId)).length < writes && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 250))
  await post('/stats', await call(page, 'stats', replicaId))
  await call(page, 'closeAll')
}
