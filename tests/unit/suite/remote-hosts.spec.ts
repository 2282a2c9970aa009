import { test, expect } from '@playwright/test'
import { offsetFromSamples } from '../../../metrics/clock-offset.ts'
import { shiftReplicaStats } from '../../../oracle/clock-shift.ts'
import { parseBrowserEndpoints, resolveBrowserHosts } from '../../../browsers/endpoints.ts'
import { historyFigures } from '../../../oracle/figures.ts'
import type { ReplicaStats } from '../../../client/harness/api.ts'

test('the clock offset comes from the fastest round trip, with half of it as uncertainty', () => {
  // The remote clock runs 250 ms ahead; slow round trips are skewed by queueing on one leg.
  const result = offsetFromSamples([
    { t0: 1_000, remote: 1_290, t1: 1_060 }, // 60 ms, the answer sat 30 ms in a queue on the way back
    { t0: 2_000, remote: 2_254, t1: 2_008 }, // 8 ms: the best
    { t0: 3_000, remote: 3_300, t1: 3_020 }
  ])
  expect(result).toEqual({ offsetMs: 250, uncertaintyMs: 4, rttMs: 8, samples: 3 })
  expect(offsetFromSamples([{ t0: 10, remote: 7, t1: 12 }]).offsetMs).toBe(-4)
  expect(() => offsetFromSamples([])).toThrow('at least one round trip')
})

const remoteStats = (): ReplicaStats => ({
  replicaId: 'chromium-remote1-s0-c1p0r0',
  ackMode: 'ack',
  state: 'synced',
  history: [
    { opId: 'chromium-remote1-s0-c1p0r0:0', kind: 'create', invokedAt: 10_500, ackedAt: 10_520 },
    { opId: 'chromium-remote1-s0-c1p0r0:1', kind: 'read', invokedAt: 10_600 }
  ],
  seen: { 'node-s0-n0:0': 10_700 },
  connection: [{ t: 10_100, state: 'open', reason: 'initial', attempt: 0 }],
  bytesIn: 1, bytesOut: 2, messagesIn: 3, messagesOut: 4,
  reconnectAttempts: 0,
  pendingAcks: 0,
  restoredFromStore: { at: 10_050, updates: 2, beforeNetwork: true },
  storeTimings: [{ op: 'write', ms: 3 }],
  errors: []
})

test('remote replica stats are put on the runner clock: every time shifts, durations do not', () => {
  const input = remoteStats()
  const shifted = shiftReplicaStats(input, 10_000)
  expect(shifted.history).toEqual([
    { opId: 'chromium-remote1-s0-c1p0r0:0', kind: 'create', invokedAt: 500, ackedAt: 520 },
    { opId: 'chromium-remote1-s0-c1p0r0:1', kind: 'read', invokedAt: 600 }
  ])
  expect(shifted.seen).toEqual({ 'node-s0-n0:0': 700 })
  expect(shifted.connection[0].t).toBe(100)
  expect(shifted.restoredFromStore).toEqual({ at: 50, updates: 2, beforeNetwork: true })
  expect(shifted.storeTimings).toEqual([{ op: 'write', ms: 3 }])
  expect(shifted.history[1]).not.toHaveProperty('ackedAt')
  // The input is left alone.
  expect(input.history[0].invokedAt).toBe(10_500)
  expect(shiftReplicaStats(input, 0)).toBe(input)
})

test('without the shift, a host whose clock is 10 s ahead loses or distorts cross-host propagation; with it the figure is right', () => {
  // A local writer invokes at runner time 600; the remote replica (synced at runner time 100) sees it 40 ms later.
  const local: ReplicaStats = { ...remoteStats(), replicaId: 'chromium-local-s0-c0p0r0', history: [{ opId: 'local:0', kind: 'create', invokedAt: 600, ackedAt: 610 }], seen: {}, restoredFromStore: undefined }
  const remote: ReplicaStats = { ...remoteStats(), history: [], seen: { 'local:0': 10_640 }, connection: [{ t: 10_100, state: 'synced', reason: 'initial', attempt: 0 }] }
  // Uncorrected, the remote replica seems to have joined after the op was invoked: the sample is dropped.
  expect(historyFigures([local, remote]).propagation.summary().count).toBe(0)
  const corrected = historyFigures([local, shiftReplicaStats(remote, 10_000)]).propagation.summary()
  expect(corrected.count).toBe(1)
  expect(corrected.max).toBeCloseTo(40, 0)
})

test('STRESS_BROWSER_ENDPOINTS lists run-server endpoints, named or numbered, tunnelled unless on loopback', () => {
  expect(parseBrowserEndpoints(undefined)).toEqual([])
  expect(parseBrowserEndpoints(' ')).toEqual([])
  expect(parseBrowserEndpoints('ws://127.0.0.1:3000/, gpu_1=ws://10.0.0.3:3000/ wss://b.example:443/pw')).toEqual([
    { name: 'remote1', wsEndpoint: 'ws://127.0.0.1:3000/', tunnel: false },
    { name: 'gpu_1', wsEndpoint: 'ws://10.0.0.3:3000/', tunnel: true },
    { name: 'remote3', wsEndpoint: 'wss://b.example:443/pw', tunnel: true }
  ])
  expect(parseBrowserEndpoints('ws://10.0.0.3:3000/', 'off')[0].tunnel).toBe(false)
  expect(parseBrowserEndpoints('ws://127.0.0.1:3000/', 'on')[0].tunnel).toBe(true)
})

test('a bad browser host setting stops the run with one sentence naming it', () => {
  expect(() => parseBrowserEndpoints('http://10.0.0.2:3000/')).toThrow(/^STRESS_BROWSER_ENDPOINTS entry "http:\/\/10.0.0.2:3000\/" is not a run-server endpoint: .*\.$/)
  expect(() => parseBrowserEndpoints('a b=ws://x:1/')).toThrow('entry "a"')
  expect(() => parseBrowserEndpoints('bad.name=ws://x:1/')).toThrow('entry "bad.name=ws://x:1/"')
  expect(() => parseBrowserEndpoints('x=ws://a:1/,x=ws://b:1/')).toThrow('names the host "x" twice')
  expect(() => parseBrowserEndpoints('local=ws://a:1/')).toThrow('"local"')
  expect(() => resolveBrowserHosts({ STRESS_BROWSER_LOCAL: 'maybe' })).toThrow(/^STRESS_BROWSER_LOCAL=maybe is not valid/)
  expect(() => resolveBrowserHosts({ STRESS_BROWSER_LOCAL: 'exclude' })).toThrow('needs at least one endpoint')
  expect(() => resolveBrowserHosts({ STRESS_BROWSER_TUNNEL: 'yes', STRESS_BROWSER_ENDPOINTS: 'ws://a:1/' })).toThrow(/^STRESS_BROWSER_TUNNEL=yes is not valid/)
  expect(resolveBrowserHosts({ STRESS_BROWSER_LOCAL: 'exclude', STRESS_BROWSER_ENDPOINTS: 'ws://a:1/' })).toEqual({ endpoints: [{ name: 'remote1', wsEndpoint: 'ws://a:1/', tunnel: true }], includeLocal: false })
  expect(resolveBrowserHosts({})).toEqual({ endpoints: [], includeLocal: true })
})
