/**
 * Loopback-only addresses: the proxy, its control API and its upstream never
 * leave the machine.
 *
 * @module chaos/address
 */
import { isIPv4 } from 'node:net'
import { z } from 'zod'
import { ChaosError } from './errors.ts'

/**
 * True for 127.0.0.0/8, ::1 (with or without brackets), ::ffff:127.x and localhost.
 * @param {string} host
 */
export const isLoopbackHost = (host: string): boolean => {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true
  const v4 = bare.startsWith('::ffff:') ? bare.slice(7) : bare
  return isIPv4(v4) && v4.startsWith('127.')
}

export const loopbackHostSchema = z.string().refine(isLoopbackHost, 'must be a loopback address (127.0.0.0/8, ::1 or localhost)')
export const portSchema = z.number().int().min(0).max(65_535)

/** host + port, host restricted to loopback. */
export const loopbackAddressSchema = z.strictObject({ host: loopbackHostSchema, port: portSchema })
export type LoopbackAddress = z.infer<typeof loopbackAddressSchema>

/**
 * Parses `host:port` (IPv6 in brackets: `[::1]:4000`) and refuses non-loopback hosts.
 * @param {string} flag the option name, for the message
 * @param {string} text
 */
export const parseLoopbackAddress = (flag: string, text: string): LoopbackAddress => {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text)
  if (match === null) throw new ChaosError('CHAOS_ERR_INVALID', `The ${flag} value must be host:port (for example 127.0.0.1:4000), not "${text}".`)
  const host = match[1].replace(/^\[(.*)\]$/, '$1')
  const port = Number(match[2])
  if (!isLoopbackHost(host)) throw new ChaosError('CHAOS_ERR_NOT_LOOPBACK', `The ${flag} address ${text} is not a loopback address; use 127.0.0.1, ::1 or localhost, because the chaos proxy only talks to this machine.`)
  if (port > 65_535) throw new ChaosError('CHAOS_ERR_INVALID', `The ${flag} port ${port} is out of range; use 0-65535.`)
  return { host, port }
}
