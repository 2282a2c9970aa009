/**
 * Toxic specs and the Toxiproxy JSON mapping, as pure functions.
 */
import { test, expect } from '@playwright/test'
import { parseLoopbackAddress, isLoopbackHost } from '../../../chaos/address.ts'
import { parseToxicSpec } from '../../../chaos/spec.ts'
import { fromToxiproxyToxic, toToxiproxyToxic, ToxiproxyProxy } from '../../../chaos/toxiproxy.ts'
import { ChaosProxy } from '../../../chaos/proxy.ts'
import { createFaultProxy } from '../../../chaos/index.ts'

test('parseToxicSpec fills defaults and names the toxic after type and stream', () => {
  expect(parseToxicSpec({ type: 'blackhole' })).toEqual({ name: 'blackhole_downstream', type: 'blackhole', stream: 'downstream', toxicity: 1, attributes: { holdMaxBytes: 4 * 1024 * 1024, holdMaxMs: 900_000 } })
  expect(parseToxicSpec({ type: 'blackhole', attributes: { holdMaxMs: 5_000 } }).attributes).toEqual({ holdMaxBytes: 4 * 1024 * 1024, holdMaxMs: 5_000 })
  expect(parseToxicSpec({ type: 'slicer', name: 's', stream: 'upstream', attributes: { averageSizeBytes: 10 } }).attributes)
    .toEqual({ averageSizeBytes: 10, sizeVariationBytes: 0, delayUs: 0 })
})

test('parseToxicSpec rejects bad specs with one sentence naming the field', () => {
  const cases: Array<[unknown, string]> = [
    [{ type: 'latency', attributes: { latencyMs: -1 } }, 'attributes.latencyMs'],
    [{ type: 'latency', attributes: { latencyMs: 1, latency: 5 } }, 'attributes'],
    [{ type: 'bandwidth', attributes: { rateKBps: 0 } }, 'attributes.rateKBps'],
    [{ type: 'blackhole', toxicity: 2 }, 'toxicity'],
    [{ type: 'blackhole', attributes: { holdMaxBytes: -1 } }, 'attributes.holdMaxBytes'],
    [{ type: 'blackhole', attributes: { holdMaxMs: 1.5 } }, 'attributes.holdMaxMs'],
    [{ type: 'blackhole', attributes: { discard: true } }, 'attributes'],
    [{ type: 'blackhole', clients: [] }, 'clients'],
    [{ type: 'blackhole', clients: ['has space'] }, 'clients.0'],
    [{ type: 'slicer', attributes: { averageSizeBytes: 10, sizeVariationBytes: 10 } }, 'attributes'],
    [{ type: 'nope' }, 'type']
  ]
  for (const [input, field] of cases) {
    let message = ''
    try { parseToxicSpec(input) } catch (error) { message = (error as Error).message }
    expect(message, JSON.stringify(input)).toMatch(/^Invalid toxic spec[^\n]*\.$/)
    expect(message, JSON.stringify(input)).toContain(`"${field}`)
  }
})

test('every toxic maps to Toxiproxy JSON and back', () => {
  const specs = [
    { type: 'latency', name: 'l', stream: 'upstream', toxicity: 0.5, attributes: { latencyMs: 100, jitterMs: 20 } },
    { type: 'bandwidth', name: 'b', attributes: { rateKBps: 64 } },
    { type: 'reset_peer', name: 'r', attributes: { timeoutMs: 250 } },
    { type: 'blackhole', name: 'h' },
    { type: 'slicer', name: 's', attributes: { averageSizeBytes: 64, sizeVariationBytes: 32, delayUs: 500 } }
  ].map(parseToxicSpec)
  const mapped = specs.map(toToxiproxyToxic)
  expect(mapped).toEqual([
    { name: 'l', type: 'latency', stream: 'upstream', toxicity: 0.5, attributes: { latency: 100, jitter: 20 } },
    { name: 'b', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: 64 } },
    { name: 'r', type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: 250 } },
    { name: 'h', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } },
    { name: 's', type: 'slicer', stream: 'downstream', toxicity: 1, attributes: { average_size: 64, size_variation: 32, delay: 500 } }
  ])
  expect(mapped.map(fromToxiproxyToxic)).toEqual(specs)
})

test('the Toxiproxy mapping refuses client targeting and unknown toxics with one sentence', () => {
  expect(() => toToxiproxyToxic(parseToxicSpec({ type: 'blackhole', clients: ['a'] })))
    .toThrow(/^Toxic "blackhole_downstream" targets clients, but Toxiproxy cannot target single clients; [^\n]*\.$/)
  expect(() => toToxiproxyToxic(parseToxicSpec({ type: 'blackhole', attributes: { holdMaxMs: 5_000 } })))
    .toThrow(/^Toxic "blackhole_downstream" bounds its hold, but Toxiproxy's blackhole \(timeout 0\) holds nothing: [^\n]*\.$/)
  expect(() => fromToxiproxyToxic({ name: 't', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 500 } }))
    .toThrow(/has no syncstorm equivalent/)
  expect(() => new ToxiproxyProxy('http://10.0.0.5:8474')).toThrow(/is not on loopback/)
})

test('loopback addresses only', async () => {
  for (const host of ['127.0.0.1', '127.5.6.7', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true)
  for (const host of ['10.0.0.1', '0.0.0.0', 'example.com', '::', '128.0.0.1', '']) expect(isLoopbackHost(host), host).toBe(false)
  expect(parseLoopbackAddress('--upstream', '[::1]:4000')).toEqual({ host: '::1', port: 4000 })
  expect(() => parseLoopbackAddress('--upstream', '192.168.1.2:80')).toThrow(/^The --upstream address 192\.168\.1\.2:80 is not a loopback address/)
  expect(() => parseLoopbackAddress('--listen', 'nonsense')).toThrow(/must be host:port/)
  const proxy = new ChaosProxy()
  await expect(proxy.start({ upstream: { host: '10.0.0.1', port: 80 } })).rejects.toMatchObject({ code: 'CHAOS_ERR_NOT_LOOPBACK' })
  await proxy.stop()
})

test('createFaultProxy picks Toxiproxy only when TOXIPROXY_URL is set', () => {
  expect(createFaultProxy({})).toBeInstanceOf(ChaosProxy)
  expect(createFaultProxy({ TOXIPROXY_URL: 'http://127.0.0.1:8474' })).toBeInstanceOf(ToxiproxyProxy)
})
