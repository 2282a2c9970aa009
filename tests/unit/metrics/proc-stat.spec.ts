import { test, expect } from '@playwright/test'
import { cpuPercent, parseProcStat, treeUsage, type ProcStat } from '../../../metrics/proc-stat.ts'
import { sampleProcessTree } from '../../../fixtures/support/process-tree.ts'

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
