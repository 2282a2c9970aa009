/**
 * The chaos proxy's public surface, and the choice between the built-in proxy
 * and Toxiproxy.
 *
 * @module chaos
 */
import type { FaultProxy } from './fault-proxy.ts'
import { ChaosProxy } from './proxy.ts'
import { ToxiproxyProxy } from './toxiproxy.ts'

export type { FaultProxy, FaultProxyStartOptions } from './fault-proxy.ts'
export { ChaosProxy, type ChaosProxyStartOptions, type TimelineEvent } from './proxy.ts'
export type { ConnectionInfo } from './connection.ts'
export { ToxiproxyProxy } from './toxiproxy.ts'
export { parseToxicSpec, toxicSpecSchema, type ToxicSpec, type ToxicSpecInput, type ToxicType } from './spec.ts'
export { ChaosError, type ChaosErrorCode } from './errors.ts'
export { blackholeAttributesSchema, type BlackholeAttributesInput } from './toxics/blackhole.ts'
export { startControlServer } from './control.ts'

/**
 * A Toxiproxy-backed proxy when `TOXIPROXY_URL` is set, else the built-in one.
 * @param {NodeJS.ProcessEnv} env
 */
export const createFaultProxy = (env: NodeJS.ProcessEnv = process.env): FaultProxy => {
  const url = env.TOXIPROXY_URL
  return url === undefined || url === '' ? new ChaosProxy() : new ToxiproxyProxy(url)
}
