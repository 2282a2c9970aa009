/**
 * Memory and CPU of a process tree from Linux's `/proc/<pid>/stat`. Pure:
 * text in, numbers out; fixtures/support/process-tree.ts reads the files.
 *
 * Layout of one `stat` line (proc(5)), fields by 1-based number:
 *   [1 pid] [2 (comm)] [3 state] [4 ppid] [5 pgrp] … [14 utime] [15 stime]
 *   [16 cutime] [17 cstime] … [24 rss (pages)] …
 * `comm` is in parentheses and may itself hold spaces and parentheses: the
 * fields after it are counted from the LAST `)`.
 *
 * @module metrics/proc-stat
 */

export interface ProcStat {
  pid: number
  ppid: number
  pgrp: number
  /** utime + stime + cutime + cstime, in clock ticks: its own CPU time plus that of children it has reaped. */
  cpuTicks: number
  rssPages: number
}

/**
 * @param {string} text one `/proc/<pid>/stat` file
 * @return {ProcStat | undefined} undefined when the line is not a stat line (a process that vanished mid-read)
 */
export const parseProcStat = (text: string): ProcStat | undefined => {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  if (open < 0 || close < open) return undefined
  const pid = Number(text.slice(0, open).trim())
  // rest[0] is field 3 (state): field n is rest[n - 3].
  const rest = text.slice(close + 1).trim().split(/\s+/)
  const field = (n: number): number => Number(rest[n - 3])
  const stat = { pid, ppid: field(4), pgrp: field(5), cpuTicks: field(14) + field(15) + field(16) + field(17), rssPages: field(24) }
  return Object.values(stat).every(Number.isInteger) ? stat : undefined
}

export interface TreeUsage {
  /** Resident memory of every process in the tree. */
  rssBytes: number
  /** CPU time of the tree so far (user + system, reaped children included). */
  cpuSeconds: number
  /** Pids in the tree, the root first. */
  pids: number[]
}

/**
 * The tree of `root`: the root, every process in its process group (a
 * command started detached is its group's leader), and every descendant by
 * parent pid (a child that moved to a group of its own).
 * @param {ProcStat[]} stats every process of the host
 * @param {number} root the group leader's pid
 * @param {{ pageBytes: number, ticksPerSecond: number }} units `getconf PAGESIZE`, `getconf CLK_TCK`
 * @return {TreeUsage | undefined} undefined when the root is not running
 */
export const treeUsage = (stats: ProcStat[], root: number, { pageBytes, ticksPerSecond }: { pageBytes: number, ticksPerSecond: number }): TreeUsage | undefined => {
  if (!stats.some(s => s.pid === root)) return undefined
  const inTree = new Set([root, ...stats.filter(s => s.pgrp === root).map(s => s.pid)])
  // Descendants by ppid: each pass adds the children of the tree so far; a tree is at most as deep as it is large.
  for (let grown = true, pass = 0; grown && pass < stats.length; pass++) {
    grown = false
    for (const s of stats) {
      if (!inTree.has(s.pid) && inTree.has(s.ppid)) { inTree.add(s.pid); grown = true }
    }
  }
  const members = stats.filter(s => inTree.has(s.pid))
  return {
    rssBytes: members.reduce((sum, s) => sum + s.rssPages * pageBytes, 0),
    cpuSeconds: members.reduce((sum, s) => sum + s.cpuTicks, 0) / ticksPerSecond,
    pids: [root, ...members.map(s => s.pid).filter(pid => pid !== root)]
  }
}

/**
 * CPU use between two samples, in percent of one core (200 = two cores busy).
 * @return {number | undefined} undefined when no time passed or the counter went back (a restarted tree)
 */
export const cpuPercent = (before: { t: number, cpuSeconds: number }, after: { t: number, cpuSeconds: number }): number | undefined => {
  const seconds = (after.t - before.t) / 1000
  const used = after.cpuSeconds - before.cpuSeconds
  return seconds <= 0 || used < 0 ? undefined : 100 * used / seconds
}
