/**
 * Browsers on other hosts (DESIGN §8), with two real `playwright run-server`
 * processes on loopback standing in for two machines: the swarm spreads its
 * contexts over both and the local browser, every host's clock offset is
 * measured, and the replicas converge on one clock. A run-server that is gone
 * before or during the test is named in the error. A host whose clock is
 * 30 s ahead is measured as such and corrected: its replicas run their
 * schedule on time and every propagation latency stays far below the skew.
 */
import { test, expect } from '../../fixtures/index.ts'
import { profileConnectOptions } from '../../fixtures/swarm.ts'
import { browserSlots, connectRemoteBrowser, connectRemoteBrowsers, measureHosts, type PrepareContext, type RemoteBrowser, type RemoteBrowserPool } from '../../fixtures/support/remote-hosts.ts'
import { pageHost } from '../../fixtures/support/replica-hosts.ts'
import { startRunServer, type RunServer } from '../support/run-server.ts'
import { converge, smallRun } from './support/small-run.ts'

/** Loopback timestamps of two processes on one host agree far better than this. */
const loopbackClockSlackMs = 20

const scenario = { ...smallRun, swarm: { contexts: 3, pagesPerContext: 1, replicasPerPage: 2, nodeReplicas: 1 }, ratePerReplica: 2 }

const spread = test.extend<{}, { runServers: RunServer[] }>({
  runServers: [async ({}, use) => {
    const servers: RunServer[] = []
    try {
      servers.push(...await Promise.all([startRunServer(), startRunServer()]))
      await use(servers)
    } finally {
      await Promise.all(servers.map(async server => { await server.stop() }))
    }
  }, { scope: 'worker' }],
  // hostB reaches the harness and the target through the loopback tunnel, hostA directly.
  browserHosts: [async ({ runServers }, use) => {
    await use({
      includeLocal: true,
      endpoints: [
        { name: 'hostA', wsEndpoint: runServers[0].wsEndpoint, tunnel: false },
        { name: 'hostB', wsEndpoint: runServers[1].wsEndpoint, tunnel: true }
      ]
    })
  }, { scope: 'worker' }]
})

spread('a swarm spread over two run-server hosts and the local browser converges on one clock', async ({ swarm, workload, oracle, recorder }) => {
  const result = await converge({ swarm, workload, oracle }, scenario)
  await spread.step('assert: every host held replicas, all converged, clocks were measured', async () => {
    const hostsOf = swarm.replicas.map(r => /^chromium-(local|hostA|hostB)-/.exec(r.id)?.[1] ?? r.host.kind)
    expect(new Set(hostsOf)).toEqual(new Set(['local', 'hostA', 'hostB', 'node']))
    expect(result.ok, result.verdict.message).toBe(true)
    expect(result.history.propagation.summary().count).toBeGreaterThan(0)
    for (const host of ['hostA', 'hostB']) {
      const offsetMs = recorder.metrics.figures[`clockOffsetMs.${host}`]
      const uncertaintyMs = recorder.metrics.figures[`clockUncertaintyMs.${host}`]
      if (typeof offsetMs !== 'number' || typeof uncertaintyMs !== 'number') throw new Error(`no clock offset figures for ${host}`)
      // One machine, one clock: the true offset is 0, so the estimate lies within its uncertainty.
      expect(Math.abs(offsetMs), `${host}: offset ${offsetMs} ± ${uncertaintyMs} ms`).toBeLessThanOrEqual(uncertaintyMs + loopbackClockSlackMs)
    }
  })
})

/** A host whose clock runs ahead: every page's performance.now() (the harness clock) is shifted. */
const clockAhead = (skewMs: number): PrepareContext => async context => {
  await context.addInitScript(ms => {
    const now = Performance.prototype.now
    Performance.prototype.now = function (this: Performance) { return now.call(this) + ms }
  }, skewMs)
}
const skewMs = 30_000

const skewed = spread.extend<{}>({
  // One local context and one on a run-server host whose clock is 30 s ahead.
  remoteBrowsers: async ({ runServers, playwright, launchOptions, channel, headless, recorder }, use) => {
    const remote = await connectRemoteBrowser({ name: 'ahead', wsEndpoint: runServers[0].wsEndpoint, tunnel: false }, playwright.chromium, { ...launchOptions, channel, headless }, clockAhead(skewMs))
    try {
      await measureHosts([remote], recorder)
      await use({ includeLocal: true, remotes: [remote] } satisfies RemoteBrowserPool)
    } finally {
      await remote.close()
    }
  }
})

skewed('a host whose clock is 30 s ahead is measured and corrected: schedules run on time, latencies carry no skew', async ({ swarm, workload, oracle, recorder }) => {
  const result = await converge({ swarm, workload, oracle }, { ...scenario, swarm: { ...scenario.swarm, contexts: 2 } })
  await skewed.step('assert: the offset was measured, and nothing downstream saw the skew', async () => {
    expect(new Set(swarm.replicas.map(r => /^chromium-(local|ahead)-/.exec(r.id)?.[1] ?? r.host.kind))).toEqual(new Set(['local', 'ahead', 'node']))
    const offsetMs = recorder.metrics.figures['clockOffsetMs.ahead']
    const uncertaintyMs = recorder.metrics.figures['clockUncertaintyMs.ahead']
    if (typeof offsetMs !== 'number' || typeof uncertaintyMs !== 'number') throw new Error('no clock offset figures for the host "ahead"')
    expect(Math.abs(offsetMs - skewMs), `offset ${offsetMs} ± ${uncertaintyMs} ms`).toBeLessThanOrEqual(uncertaintyMs + loopbackClockSlackMs)
    expect(result.verdict.ok, result.verdict.message).toBe(true)
    // Uncorrected, the host's schedule would start 30 s late or all at once, and its samples would be off by 30 s.
    const lateMs = recorder.metrics.figures.scheduleLateMsMax
    expect(typeof lateMs === 'number' && lateMs < skewMs / 2, `schedule lateness ${String(lateMs)} ms`).toBe(true)
    const propagation = result.history.propagation.summary()
    expect(propagation.count).toBeGreaterThan(0)
    expect(propagation.max, 'the worst propagation sample').toBeLessThan(skewMs / 2)
    // The oracle's stats are on one clock: invoke times span the workload, not the skew...
    const invokedAt = result.stats.flatMap(s => s.history.map(op => op.invokedAt))
    expect(Math.max(...invokedAt) - Math.min(...invokedAt), 'spread of invoke times over all hosts').toBeLessThan(skewMs / 2)
    // ...and ops written on the host ahead reach the local replicas after, not 30 s before, they were written.
    const aheadInvokedAt = new Map(result.stats.filter(s => s.replicaId.includes('-ahead-')).flatMap(s => s.history.map(op => [op.opId, op.invokedAt] as const)))
    const crossHostMs = result.stats.filter(s => !s.replicaId.includes('-ahead-')).flatMap(s => Object.entries(s.seen)
      .filter(([opId]) => aheadInvokedAt.has(opId)).map(([opId, seenAt]) => seenAt - (aheadInvokedAt.get(opId) as number)))
    expect(crossHostMs.length).toBeGreaterThan(0)
    expect(Math.min(...crossHostMs), 'earliest cross-host sighting').toBeGreaterThan(-skewMs / 2)
  })
})

test('a run-server that is gone is named: unreachable before connecting, lost during the test', async ({ playwright, browser, launchOptions, channel, headless, _harnessServer, target, profile }) => {
  const launch = { ...launchOptions, channel, headless }
  const servers: RunServer[] = []
  const remotes: RemoteBrowser[] = []
  try {
    const [dead, live] = await Promise.all([startRunServer(), startRunServer()])
    servers.push(dead, live)
    await test.step('a host that died before the run: the connect error names it', async () => {
      dead.kill()
      await dead.stop()
      const attempt = connectRemoteBrowsers([
        { name: 'alive', wsEndpoint: live.wsEndpoint, tunnel: false },
        { name: 'gone', wsEndpoint: dead.wsEndpoint, tunnel: false }
      ], playwright.chromium, launch)
      await expect(attempt).rejects.toThrow(new RegExp(`^remote browser host gone \\(${dead.wsEndpoint.replace(/[/.]/g, '\\$&')}\\) is unreachable: .*run-server`))
    })

    await test.step('a host that dies while its replicas run: their calls name it', async () => {
      const flaky = live
      const remote = await connectRemoteBrowser({ name: 'flaky', wsEndpoint: flaky.wsEndpoint, tunnel: false }, playwright.chromium, launch)
      remotes.push(remote)
      const [slot] = browserSlots(browser, { includeLocal: false, remotes: [remote] })
      const page = await (await slot.newContext()).newPage()
      await page.goto(_harnessServer.harnessUrl)
      await page.waitForFunction(() => typeof (window as unknown as { syncstorm?: unknown }).syncstorm === 'object')
      const host = slot.wrapHost(pageHost(`chromium-${slot.label}c0p0`, 'chromium', page))
      await host.call('connect', { ...profileConnectOptions(profile), replicaId: 'chromium-flaky-c0p0r0', url: target.url, docName: target.docName })
      await host.call('waitSynced', 'chromium-flaky-c0p0r0', 20_000)
      expect((await host.call('stats', 'chromium-flaky-c0p0r0')).state).toBe('synced')

      flaky.kill()
      await expect(host.call('digest', 'chromium-flaky-c0p0r0')).rejects.toThrow(/^remote browser host flaky \(ws:\/\/127\.0\.0\.1:\d+\/\) was lost: /)
      await expect(slot.newContext()).rejects.toThrow(/^remote browser host flaky .* was lost: /)
      await expect.poll(() => remote.lost()).toBeDefined()
    })
  } finally {
    await Promise.all(remotes.map(async remote => { await remote.close() }))
    await Promise.all(servers.map(async server => { await server.stop() }))
  }
})
