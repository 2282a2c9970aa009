import { test, expect } from '@playwright/test'
import { cpuByKind, cpuPercent, isRenderer, kindOfProcesses, parseProcStat, treeUsage, type ProcStat } from '../../../metrics/proc-stat.ts'
import { sampleProcessTree, startCpuSplit } from '../../../fixtures/support/process-tree.ts'

/** A stat line as Linux writes it: fields 3–52, with utime, stime, cutime, cstime and rss set. */
const statLine = (pid: number, comm: string, ppid: number, pgrp: number, cpu: [number, number, number, number], rssPages: number): string =>
  `${pid} (${comm}) S ${ppid} ${pgrp} ${pgrp} 0 -1 4194560 100 0 0 0 ${cpu.join(' ')} 20 0 7 0 12345 1000000 ${rssPages} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0`

test('parseProcStat reads the fields after the last ")" (a comm may hold spaces and parentheses)', () => {
  expect(parseProcStat(statLine(42, 'node', 1, 42, [100, 50, 3, 2], 2560))).toEqual({ pid: 42, ppid: 1, pgrp: 42, cpuTicks: 155, rssPages: 2560 })
  expect(parseProcStat(statLine(43, 'a) b (c', 42, 42, [1, 2, 0, 0], 10))).toEqual({ pid: 43, ppid: 42, pgrp: 42, cpuTicks: 3, rssPages: 10 })
  expect(parseProcStat('')).toBeUndefined()
  expect(parseProcStat('12 (cut short) S 1')).toBeUndefined()
})

test('treeUsage sums the group and every descendant, and nothing else', () => {
  const stats: ProcStat[] = [
    { pid: 100, ppid: 1, pgrp: 100, cpuTicks: 200, rssPages: 1000 }, // sh -c exec …: the group leader
    { pid: 101, ppid: 100, pgrp: 100, cpuTicks: 100, rssPages: 500 }, // a worker in the group
    { pid: 102, ppid: 101, pgrp: 102, cpuTicks: 50, rssPages: 250 }, // moved to a group of its own: still a descendant
    { pid: 103, ppid: 1, pgrp: 100, cpuTicks: 10, rssPages: 5 }, // reparented to init, still in the group
    { pid: 200, ppid: 1, pgrp: 200, cpuTicks: 999, rssPages: 999 } // another process
  ]
  const usage = treeUsage(stats, 100, { pageBytes: 4096, ticksPerSecond: 100 })
  expect(usage).toEqual({ rssBytes: 1755 * 4096, cpuSeconds: 3.6, pids: [100, 101, 102, 103] })
  expect(treeUsage(stats, 300, { pageBytes: 4096, ticksPerSecond: 100 })).toBeUndefined()
})

test('cpuPercent is per core; no time or a counter that went back gives none', () => {
  expect(cpuPercent({ t: 0, cpuSeconds: 1 }, { t: 2_000, cpuSeconds: 2 })).toBe(50)
  expect(cpuPercent({ t: 0, cpuSeconds: 1 }, { t: 1_000, cpuSeconds: 3 })).toBe(200)
  expect(cpuPercent({ t: 0, cpuSeconds: 1 }, { t: 0, cpuSeconds: 2 })).toBeUndefined()
  expect(cpuPercent({ t: 0, cpuSeconds: 5 }, { t: 1_000, cpuSeconds: 1 })).toBeUndefined()
})

test('sampleProcessTree reads this runner from /proc', async () => {
  test.skip(process.platform !== 'linux', '/proc is Linux only')
  const sample = await sampleProcessTree(process.pid)
  expect(sample?.pids[0]).toBe(process.pid)
  // The parser and the page size agree with Node's own figure (within what a sample apart can change).
  expect(sample!.rssBytes).toBeGreaterThan(process.memoryUsage().rss / 2)
  expect(sample!.cpuSeconds).toBeGreaterThan(0)
})

test('kindOfProcesses tells renderers, the browser, the runner, the server and the proxy apart; cpuByKind splits host CPU by them', () => {
  const stats: ProcStat[] = [
    { pid: 10, ppid: 1, pgrp: 10, cpuTicks: 0, rssPages: 0 }, // Playwright's main process
    { pid: 20, ppid: 10, pgrp: 10, cpuTicks: 0, rssPages: 0 }, // the test worker
    { pid: 30, ppid: 20, pgrp: 30, cpuTicks: 0, rssPages: 0 }, // the server, detached
    { pid: 31, ppid: 30, pgrp: 30, cpuTicks: 0, rssPages: 0 },
    { pid: 40, ppid: 20, pgrp: 40, cpuTicks: 0, rssPages: 0 }, // chromium
    { pid: 41, ppid: 40, pgrp: 40, cpuTicks: 0, rssPages: 0 }, // its gpu process
    { pid: 42, ppid: 40, pgrp: 40, cpuTicks: 0, rssPages: 0 }, // a renderer
    { pid: 43, ppid: 40, pgrp: 40, cpuTicks: 0, rssPages: 0 }, // a firefox tab
    { pid: 99, ppid: 1, pgrp: 99, cpuTicks: 0, rssPages: 0 } // another program
  ]
  const cmd: Record<number, string> = { 40: 'chrome --headless', 41: 'chrome --type=gpu-process', 42: 'chrome --type=renderer --lang=en', 43: 'firefox -contentproc -isForBrowser 7 tab' }
  const kinds = kindOfProcesses(stats, pid => cmd[pid] ?? '', { runner: [20, 10], server: 30 })
  expect(Object.fromEntries(kinds)).toEqual({ 10: 'runner', 20: 'runner', 30: 'server', 31: 'server', 40: 'browser', 41: 'browser', 42: 'renderers', 43: 'renderers' })
  expect(isRenderer('firefox -contentproc -isForBrowser 7 socket')).toBe(false)
  // 2 s on 2 cores: 100 ticks/s. The renderer used 2 s (50% of the host), a new server child 0.4 s; a process gone is lost.
  const before = { t: 0, ticks: new Map([[42, 100], [20, 50], [41, 500]]) }
  const after = { t: 2_000, ticks: new Map([[42, 300], [20, 70], [31, 40]]) }
  expect(cpuByKind(before, after, kinds, 100, 2)).toEqual({ renderers: 50, browser: 0, runner: 5, server: 10, proxy: 0 })
})

test('startCpuSplit measures this runner\'s own CPU as runner', async () => {
  test.skip(process.platform !== 'linux', '/proc is Linux only')
  const split = await startCpuSplit({ runner: [process.pid] })
  const until = Date.now() + 300
  while (Date.now() < until) Math.sqrt(Math.random())
  expect((await split.stop()).runner).toBeGreaterThan(10)
})
