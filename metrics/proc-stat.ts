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

/** Who a process on the generator host is, for the CPU split of a held swarm. */
export type ProcessKind = 'renderers' | 'browser' | 'runner' | 'server' | 'proxy'
export const processKinds: ProcessKind[] = ['renderers', 'browser', 'runner', 'server', 'proxy']

/**
 * Whether a browser process renders pages: Chromium's `--type=renderer`,
 * Firefox's content processes (`-contentproc … tab`), WebKit's WebContent.
 * @param {string} cmdline `/proc/<pid>/cmdline` with NULs as spaces
 */
export const isRenderer = (cmdline: string): boolean =>
  /--type=renderer\b/.test(cmdline) || (/-contentproc\b/.test(cmdline) && /\btab\b/.test(cmdline)) || /WebKitWebProcess|WebContent/.test(cmdline)

/**
 * Pure: the kind of every process of the runner's tree. The server's and the
 * proxy's trees come first (the runner starts them too); the rest of the
 * runner's descendants are the browser, its renderers apart; the runner is
 * the runner's own pids. Processes in none of these are not in the map.
 * @param {ProcStat[]} stats every process of the host
 * @param {(pid: number) => string} cmdline a process's command line
 * @param {{ runner: number[], server?: number, proxy?: number }} roots the runner's pids (the first one's descendants are searched) and the group leaders of the server and proxy
 */
export const kindOfProcesses = (stats: ProcStat[], cmdline: (pid: number) => string, roots: { runner: number[], server?: number, proxy?: number }): Map<number, ProcessKind> => {
  const units = { pageBytes: 1, ticksPerSecond: 1 }
  const kinds = new Map<number, ProcessKind>()
  for (const [kind, root] of [['server', roots.server], ['proxy', roots.proxy]] as const) {
    if (root === undefined) continue
    for (const pid of treeUsage(stats, root, units)?.pids ?? []) if (!kinds.has(pid)) kinds.set(pid, kind)
  }
  for (const pid of roots.runner) kinds.set(pid, 'runner')
  const descendants = treeUsage(stats, roots.runner[0]!, units)?.pids ?? []
  for (const pid of descendants) if (!kinds.has(pid)) kinds.set(pid, isRenderer(cmdline(pid)) ? 'renderers' : 'browser')
  return kinds
}

/**
 * Pure: CPU per process kind between two samples of every process, in
 * percent of the whole host (`cores` cores), as host CPU figures are.
 * A process that started between the samples counts from zero; one that
 * ended is lost (its last ticks are unknown).
 */
export const cpuByKind = (before: { t: number, ticks: Map<number, number> }, after: { t: number, ticks: Map<number, number> }, kinds: Map<number, ProcessKind>, ticksPerSecond: number, cores: number): Record<ProcessKind, number> => {
  const split = Object.fromEntries(processKinds.map(kind => [kind, 0])) as Record<ProcessKind, number>
  const seconds = (after.t - before.t) / 1000
  if (seconds <= 0) return split
  for (const [pid, kind] of kinds) {
    const end = after.ticks.get(pid)
    if (end === undefined) continue
    split[kind] += Math.max(0, end - (before.ticks.get(pid) ?? 0)) / ticksPerSecond
  }
  for (const kind of processKinds) split[kind] = 100 * split[kind] / seconds / cores
  return split
}
