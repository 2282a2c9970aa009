/**
 * A {@link FaultProxy} backed by a real Toxiproxy server (set `TOXIPROXY_URL`,
 * e.g. http://127.0.0.1:8474). The JSON mapping is pure and unit-tested;
 * the HTTP calls are thin.
 *
 *   ours                                  Toxiproxy
 *   latency   { latencyMs, jitterMs }     latency    { latency, jitter }      (ms)
 *   bandwidth { rateKBps }                bandwidth  { rate }                 (KB/s)
 *   reset_peer{ timeoutMs }               reset_peer { timeout }              (ms)
 *   blackhole { holdMaxBytes, holdMaxMs } timeout    { timeout: 0 }      (defaults only, see below)
 *   slicer    { averageSizeBytes, sizeVariationBytes, delayUs }
 *                                         slicer     { average_size, size_variation, delay } (bytes, µs)
 *   down                                  POST /proxies/:name { enabled: false } (always cuts open connections)
 *
 * Toxiproxy cannot target single clients, so `clients` is refused.
 *
 * Toxiproxy's `timeout` toxic (toxics/timeout.go) holds nothing: it drops
 * what it reads, and when it is removed its Cleanup closes the connection
 * (a FIN, not an RST), since the stream lost bytes. So a blackhole there ends
 * in a close at the heal instead of a delivered hold, and hold bounds other
 * than the defaults are refused rather than ignored. A non-zero `timeout` is
 * no hold bound either: its timer restarts with every chunk it drops.
 *
 * @module chaos/toxiproxy
 */
import { z } from 'zod'
import { isLoopbackHost, loopbackAddressSchema } from './address.ts'
import { ChaosError } from './errors.ts'
import type { FaultProxy, FaultProxyStartOptions } from './fault-proxy.ts'
import { describeIssue, parseToxicSpec, type ToxicSpec, type ToxicSpecInput } from './spec.ts'
import { streamSchema } from './toxic.ts'
import { defaultHoldMaxBytes, defaultHoldMaxMs } from './toxics/blackhole.ts'

/** A toxic as Toxiproxy's HTTP API reads and writes it. */
export const toxiproxyToxicSchema = z.object({
  name: z.string(),
  type: z.string(),
  stream: streamSchema,
  toxicity: z.number(),
  attributes: z.record(z.string(), z.number())
})
export type ToxiproxyToxic = z.infer<typeof toxiproxyToxicSchema>

/**
 * Maps our spec to Toxiproxy's JSON.
 * @param {ToxicSpec} spec
 * @throws {ChaosError} if the spec targets clients or bounds a blackhole's hold, which Toxiproxy cannot do
 */
export const toToxiproxyToxic = (spec: ToxicSpec): ToxiproxyToxic => {
  if (spec.clients !== undefined) throw new ChaosError('CHAOS_ERR_UNSUPPORTED', `Toxic "${spec.name}" targets clients, but Toxiproxy cannot target single clients; drop "clients" or use the built-in ChaosProxy.`)
  if (spec.type === 'blackhole' && (spec.attributes.holdMaxBytes !== defaultHoldMaxBytes || spec.attributes.holdMaxMs !== defaultHoldMaxMs)) {
    throw new ChaosError('CHAOS_ERR_UNSUPPORTED', `Toxic "${spec.name}" bounds its hold, but Toxiproxy's blackhole (timeout 0) holds nothing: it drops bytes and closes the connection at the heal; drop holdMaxBytes and holdMaxMs or use the built-in ChaosProxy.`)
  }
  const base = { name: spec.name, stream: spec.stream, toxicity: spec.toxicity }
  switch (spec.type) {
    case 'latency': return { ...base, type: 'latency', attributes: { latency: spec.attributes.latencyMs, jitter: spec.attributes.jitterMs } }
    case 'bandwidth': return { ...base, type: 'bandwidth', attributes: { rate: spec.attributes.rateKBps } }
    case 'reset_peer': return { ...base, type: 'reset_peer', attributes: { timeout: spec.attributes.timeoutMs } }
    case 'blackhole': return { ...base, type: 'timeout', attributes: { timeout: 0 } }
    case 'slicer': return { ...base, type: 'slicer', attributes: { average_size: spec.attributes.averageSizeBytes, size_variation: spec.attributes.sizeVariationBytes, delay: spec.attributes.delayUs } }
  }
}

/**
 * Maps Toxiproxy's JSON back to our spec (the inverse of {@link toToxiproxyToxic}).
 * @param {ToxiproxyToxic} toxic
 */
export const fromToxiproxyToxic = (toxic: ToxiproxyToxic): ToxicSpec => {
  const a = toxic.attributes
  const base = { name: toxic.name, stream: toxic.stream, toxicity: toxic.toxicity }
  switch (toxic.type) {
    case 'latency': return parseToxicSpec({ ...base, type: 'latency', attributes: { latencyMs: a.latency ?? 0, jitterMs: a.jitter ?? 0 } })
    case 'bandwidth': return parseToxicSpec({ ...base, type: 'bandwidth', attributes: { rateKBps: a.rate } })
    case 'reset_peer': return parseToxicSpec({ ...base, type: 'reset_peer', attributes: { timeoutMs: a.timeout ?? 0 } })
    case 'timeout':
      if ((a.timeout ?? 0) !== 0) break
      return parseToxicSpec({ ...base, type: 'blackhole', attributes: {} })
    case 'slicer': return parseToxicSpec({ ...base, type: 'slicer', attributes: { averageSizeBytes: a.average_size, sizeVariationBytes: a.size_variation ?? 0, delayUs: a.delay ?? 0 } })
  }
  throw new ChaosError('CHAOS_ERR_UNSUPPORTED', `Toxiproxy toxic "${toxic.name}" of type ${toxic.type} has no syncstorm equivalent; remove it from the Toxiproxy proxy.`)
}

let proxyCount = 0

/** Drives one Toxiproxy proxy over Toxiproxy's HTTP API. */
export class ToxiproxyProxy implements FaultProxy {
  private readonly baseUrl: URL
  private readonly proxyName = `syncstorm-${process.pid}-${++proxyCount}`
  private created = false

  /** @param {string} toxiproxyUrl e.g. http://127.0.0.1:8474; must be loopback */
  constructor (toxiproxyUrl: string) {
    this.baseUrl = new URL(toxiproxyUrl)
    if (!isLoopbackHost(this.baseUrl.hostname)) throw new ChaosError('CHAOS_ERR_NOT_LOOPBACK', `TOXIPROXY_URL ${toxiproxyUrl} is not on loopback; run Toxiproxy on 127.0.0.1.`)
  }

  private async call (method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await response.text()
    if (!response.ok) throw new ChaosError(response.status === 404 ? 'CHAOS_ERR_NOT_FOUND' : 'CHAOS_ERR_INVALID', `Toxiproxy answered ${method} ${path} with ${response.status}: ${text.trim().slice(0, 200)}.`)
    return text === '' ? null : JSON.parse(text)
  }

  async start (options: FaultProxyStartOptions): Promise<{ port: number }> {
    const upstream = loopbackAddressSchema.safeParse(options.upstream)
    if (!upstream.success) throw new ChaosError('CHAOS_ERR_NOT_LOOPBACK', describeIssue('upstream', upstream.error))
    const listen = `${options.listenHost ?? '127.0.0.1'}:${options.listenPort ?? 0}`
    const created = z.object({ listen: z.string() }).parse(await this.call('POST', '/proxies', { name: this.proxyName, listen, upstream: `${upstream.data.host}:${upstream.data.port}`, enabled: true }))
    this.created = true
    return { port: Number(created.listen.slice(created.listen.lastIndexOf(':') + 1)) }
  }

  async addToxic (input: ToxicSpecInput): Promise<ToxicSpec> {
    const spec = parseToxicSpec(input)
    await this.call('POST', `/proxies/${this.proxyName}/toxics`, toToxiproxyToxic(spec))
    return spec
  }

  async removeToxic (name: string): Promise<void> {
    await this.call('DELETE', `/proxies/${this.proxyName}/toxics/${encodeURIComponent(name)}`)
  }

  async listToxics (): Promise<ToxicSpec[]> {
    return z.array(toxiproxyToxicSchema).parse(await this.call('GET', `/proxies/${this.proxyName}/toxics`)).map(fromToxiproxyToxic)
  }

  async setDown (down: boolean, options: { cutExisting?: boolean } = {}): Promise<void> {
    if (down && options.cutExisting === false) throw new ChaosError('CHAOS_ERR_UNSUPPORTED', 'Toxiproxy always closes open connections when a proxy is disabled; pass cutExisting: true or use the built-in ChaosProxy.')
    await this.call('POST', `/proxies/${this.proxyName}`, { enabled: !down })
  }

  /** Toxiproxy has no reset call: a reset_peer toxic with timeout 0 resets what is open, then goes. */
  async resetAll (): Promise<void> {
    const spec = parseToxicSpec({ type: 'reset_peer', name: 'syncstorm_reset_all', stream: 'downstream', attributes: { timeoutMs: 0 } })
    await this.call('POST', `/proxies/${this.proxyName}/toxics`, toToxiproxyToxic(spec))
    await this.removeToxic(spec.name)
  }

  async stop (): Promise<void> {
    if (!this.created) return
    this.created = false
    await this.call('DELETE', `/proxies/${this.proxyName}`)
  }
}
