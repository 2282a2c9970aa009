/**
 * Remote browser hosts: `npx playwright run-server` endpoints listed in
 * STRESS_BROWSER_ENDPOINTS, over which one swarm spreads its contexts
 * (DESIGN §8). Entries are separated by commas or whitespace; each is a
 * ws:// or wss:// URL, optionally named: `gpu1=ws://10.0.0.3:3000/`.
 * Unnamed entries are called remote1, remote2... in that order. The name
 * goes into replica ids, so it uses letters, digits, `_` and `-` only.
 *
 * STRESS_BROWSER_LOCAL=include (default) lets the runner's own browser take
 * a share of the contexts too; `exclude` puts every context on the endpoints.
 *
 * Remote pages must reach the harness page and the target, which listen on
 * the runner's loopback. STRESS_BROWSER_TUNNEL=auto (default) tunnels a
 * remote browser's loopback traffic back to the runner through its
 * Playwright connection (`connect({ exposeNetwork: '<loopback>' })`) for
 * every endpoint that is not itself on loopback; `on` tunnels every endpoint,
 * `off` none.
 *
 * @module browsers/endpoints
 */
import { z } from 'zod'

const namePattern = /^[A-Za-z0-9_-]+$/

export const browserEndpointSchema = z.object({
  /** Host label used in replica ids and figure names, e.g. `remote1`. */
  name: z.string().regex(namePattern),
  /** The run-server's WebSocket endpoint, e.g. ws://10.0.0.2:3000/ */
  wsEndpoint: z.url({ protocol: /^wss?$/ }),
  /** Route the remote browser's loopback traffic back to the runner. */
  tunnel: z.boolean()
})
export type BrowserEndpoint = z.infer<typeof browserEndpointSchema>

export const browserHostsSchema = z.object({
  endpoints: z.array(browserEndpointSchema),
  /** Whether the runner's own browser takes a share of the contexts. */
  includeLocal: z.boolean()
})
export type BrowserHosts = z.infer<typeof browserHostsSchema>

export const tunnelModeSchema = z.enum(['auto', 'on', 'off'])
export type TunnelMode = z.infer<typeof tunnelModeSchema>

const isLoopback = (url: string): boolean => {
  try {
    return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(new URL(url).hostname)
  } catch {
    return false
  }
}

const entryError = (entry: string): string =>
  `STRESS_BROWSER_ENDPOINTS entry "${entry}" is not a run-server endpoint: list ws:// or wss:// URLs of \`npx playwright run-server\` (optionally name=URL, names of letters, digits, _ and -), separated by commas, e.g. ws://10.0.0.2:3000/,gpu=ws://10.0.0.3:3000/.`

/**
 * @param {string | undefined} value STRESS_BROWSER_ENDPOINTS
 * @return {BrowserEndpoint[]} empty when unset or blank
 * @throws one sentence naming the entry that is wrong
 */
export const parseBrowserEndpoints = (value: string | undefined, tunnel: TunnelMode = 'auto'): BrowserEndpoint[] => {
  const entries = (value ?? '').split(/[\s,]+/).filter(entry => entry !== '')
  const endpoints = entries.map((entry, i) => {
    const named = /^([^=:/]+)=(.*)$/.exec(entry)
    const wsEndpoint = named === null ? entry : named[2]
    const parsed = browserEndpointSchema.safeParse({
      name: named === null ? `remote${i + 1}` : named[1],
      wsEndpoint,
      tunnel: tunnel === 'on' || (tunnel === 'auto' && !isLoopback(wsEndpoint))
    })
    if (!parsed.success) throw new Error(entryError(entry))
    return parsed.data
  })
  const names = endpoints.map(e => e.name)
  const duplicate = names.find((name, i) => names.indexOf(name) !== i)
  if (duplicate !== undefined) throw new Error(`STRESS_BROWSER_ENDPOINTS names the host "${duplicate}" twice: give every endpoint its own name.`)
  if (names.includes('local')) throw new Error('STRESS_BROWSER_ENDPOINTS uses the name "local", which means the runner\'s own browser: pick another name.')
  return endpoints
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @return {BrowserHosts}
 * @throws one sentence naming the variable that is wrong
 */
export const resolveBrowserHosts = (env: NodeJS.ProcessEnv = process.env): BrowserHosts => {
  const local = env.STRESS_BROWSER_LOCAL ?? 'include'
  if (local !== 'include' && local !== 'exclude') {
    throw new Error(`STRESS_BROWSER_LOCAL=${local} is not valid: use include (the runner's browser takes a share of the contexts) or exclude.`)
  }
  const tunnel = tunnelModeSchema.safeParse(env.STRESS_BROWSER_TUNNEL ?? 'auto')
  if (!tunnel.success) {
    throw new Error(`STRESS_BROWSER_TUNNEL=${env.STRESS_BROWSER_TUNNEL} is not valid: use auto (tunnel endpoints that are not on loopback), on or off.`)
  }
  const endpoints = parseBrowserEndpoints(env.STRESS_BROWSER_ENDPOINTS, tunnel.data)
  if (local === 'exclude' && endpoints.length === 0) {
    throw new Error('STRESS_BROWSER_LOCAL=exclude needs at least one endpoint in STRESS_BROWSER_ENDPOINTS, or no browser would host the contexts.')
  }
  return browserHostsSchema.parse({ endpoints, includeLocal: local === 'include' })
}
