/**
 * Artillery's side of bench:artillery at one size: the reference server and
 * syncstorm's harness page on loopback, the collector, and `artillery run`
 * with its Playwright engine on the suite's Chromium, one context per user.
 * Stops everything it started, the browser Artillery launched included.
 *
 * @module bench/artillery/run-artillery
 */
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { chromiumArgs, resolveBrowser } from '../../browsers/projects.ts'
import { serveHarness } from '../../client/harness/serve.ts'
import { profileConnectOptions } from '../../fixtures/swarm.ts'
import { freePort, TargetProcess } from '../../fixtures/support/target-process.ts'
import { sampleProcessTree, startCpuSplit } from '../../fixtures/support/process-tree.ts'
import type { ProcessKind } from '../../metrics/proc-stat.ts'
import { historyFigures } from '../../oracle/figures.ts'
import type { Profile } from '../../profiles/schema.ts'
import { startCollector } from './collector.ts'
import type { Artillery } from './install.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '../..')

export interface SideResult {
  /** Users that held (ran their schedule). */
  live: number
  cpuPctMean: number
  cpuPctMax: number
  propagationP95Ms: number | undefined
  /** Host CPU while holding by process kind (renderers, browser, runner, server), in % of all cores. */
  cpuPctByKind: Partial<Record<ProcessKind, number>>
  /** Why the run is short of its users, when it is. */
  note?: string
}

/** Users arrive at this rate (syncstorm opens contexts 4 at a time); setup is not part of the comparison. */
const arrivalsPerSecond = 4

const chromiumPath = (): string => resolveBrowser('chromium').executablePath ?? chromium.executablePath()

/** Waits for `work`, or `ms` at most, and leaves no timer behind. */
const waitAtMost = async (work: Promise<unknown>, ms: number): Promise<void> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([work, new Promise(resolve => { timer = setTimeout(resolve, ms) })])
  clearTimeout(timer)
}

/** SIGTERM, then SIGKILL after `graceMs`, to every pid still alive. */
const stopPids = async (pids: number[], graceMs: number): Promise<void> => {
  const alive = (): number[] => pids.filter(pid => { try { process.kill(pid, 0); return true } catch { return false } })
  for (const pid of alive()) { try { process.kill(pid, 'SIGTERM') } catch {} }
  const until = Date.now() + graceMs
  while (alive().length > 0 && Date.now() < until) await new Promise(resolve => setTimeout(resolve, 100))
  for (const pid of alive()) { try { process.kill(pid, 'SIGKILL') } catch {} }
}

/**
 * @param {Artillery} artillery the installed CLI
 * @param {number} users one context and one replica each
 * @param {Profile} profile the bench profile: client settings, as syncstorm's replicas get them
 * @param {number} holdMs
 * @param {number} seed
 */
export const runArtillery = async (artillery: Artillery, users: number, profile: Profile, holdMs: number, seed: number): Promise<SideResult> => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'syncstorm-artillery-'))
  const port = await freePort()
  const server = new TargetProcess(`node --expose-gc --import tsx ${path.join(repoRoot, 'server/main.ts')} --port ${port} --data-dir ${path.join(work, 'data')} --host 127.0.0.1`, port, {})
  const harness = await serveHarness()
  const setupMs = Math.ceil(users / arrivalsPerSecond) * 1000
  const collector = await startCollector({
    users, holdMs, seed,
    harnessUrl: harness.harnessUrl,
    connect: { ...profileConnectOptions(profile), url: `ws://127.0.0.1:${port}`, docName: `artillery-${crypto.randomBytes(3).toString('hex')}` },
    barrierTimeoutMs: setupMs + 120_000,
    settleMs: profile.convergenceDeadlineMs
  })
  const logFile = path.join(work, 'artillery.log')
  let artilleryPids: number[] = []
  let cpuPctByKind: Partial<Record<ProcessKind, number>> = {}
  try {
    await server.start()
    const script = {
      config: {
        target: harness.origin,
        phases: [{ duration: setupMs / 1000, arrivalCount: users }],
        processor: path.join(here, 'processor.mjs'),
        engines: { playwright: { launchOptions: { headless: true, executablePath: chromiumPath(), args: chromiumArgs } } }
      },
      scenarios: [{ name: 'syncstorm replica', engine: 'playwright', testFunction: 'syncUser' }]
    }
    const scriptFile = path.join(work, 'script.json')
    fs.writeFileSync(scriptFile, JSON.stringify(script, null, 2))
    const log = fs.openSync(logFile, 'w')
    const child = spawn(artillery.bin, ['run', scriptFile], {
      cwd: work,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, SYNCSTORM_COLLECTOR: collector.url, ARTILLERY_DISABLE_TELEMETRY: 'true' }
    })
    fs.closeSync(log)
    const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
    // Its browser is launched detached: remember the whole tree while it runs, to stop what is left.
    const watch = setInterval(() => {
      void sampleProcessTree(child.pid as number).then(tree => { if (tree !== undefined) artilleryPids = [...new Set([...artilleryPids, ...tree.pids])] })
    }, 1_000)
    // The same split @ramp records: Artillery's process is the runner, its Chromium the browser and renderers.
    const split = collector.holdStarted.then(async () => await startCpuSplit({ runner: [child.pid as number], server: server.pid }))
    void collector.holdEnded.then(async () => { cpuPctByKind = await (await split).stop() })
    const budgetMs = setupMs + holdMs + profile.convergenceDeadlineMs + 240_000
    try {
      await waitAtMost(Promise.race([collector.allStats, exited]), budgetMs)
      await waitAtMost(exited, 30_000)
    } finally {
      clearInterval(watch)
      await stopPids([child.pid as number, ...artilleryPids], 5_000)
    }
  } finally {
    await collector.close()
    await harness.close()
    await server.stop()
    await stopPids(artilleryPids, 5_000)
  }
  const got = collector.collected()
  const propagation = got.stats.length === 0 ? undefined : historyFigures(got.stats).propagation
  const short = got.ran < users ? `${got.joined} joined, ${got.ready} synced, ${got.ran} held, ${got.stats.length} reported of ${users}; Artillery's log: ${logFile}` : undefined
  if (short === undefined) fs.rmSync(work, { recursive: true, force: true })
  return {
    live: got.ran,
    cpuPctMean: got.hold?.cpuPctMean ?? NaN,
    cpuPctMax: got.hold?.cpuPctMax ?? NaN,
    propagationP95Ms: propagation === undefined || propagation.count === 0 ? undefined : propagation.percentile(95),
    cpuPctByKind,
    ...(short === undefined ? {} : { note: short })
  }
}
