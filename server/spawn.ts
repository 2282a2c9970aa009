/**
 * Starts the reference server as a child process, for tests, benchmarks and
 * the suite's target fixture. The child is killed when the parent exits, so no
 * server outlives its caller.
 *
 * @module server/spawn
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

const repoRoot = fileURLToPath(new URL('..', import.meta.url))

/** The line the server prints on stdout when it listens. */
export const listeningLineSchema = z.object({
  event: z.literal('listening'),
  url: z.string(),
  port: z.number().int(),
  pid: z.number().int()
})

/** Options of `spawnServer`. */
export interface SpawnServerOptions {
  dataDir: string
  /** 0 (default) lets the OS pick. */
  port?: number
  /** Extra environment (SYNC_* settings), on top of the parent's. */
  env?: Record<string, string>
  /** Extra CLI flags. */
  args?: string[]
  /** Extra Node flags, before the script (for example `--cpu-prof`). */
  nodeArgs?: string[]
  adminToken?: string
  /** How long to wait for the listening line (default 20 s). */
  startTimeoutMs?: number
  /** SIGTERM grace before SIGKILL in `stop()` (default 10 s). */
  stopGraceMs?: number
}

/** How a child exited. */
export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}

/** A running server process. */
export interface ServerProcess {
  /** ws://127.0.0.1:PORT (append `/<doc name>`) */
  url: string
  /** http://127.0.0.1:PORT */
  httpUrl: string
  port: number
  pid: number
  /** Everything the child wrote to stdout and stderr so far. */
  output (): string
  /** Sends a signal and resolves when the process has exited. */
  kill (signal: NodeJS.Signals): Promise<ExitInfo>
  /** SIGTERM, then SIGKILL after the grace period; resolves when it has exited. */
  stop (): Promise<void>
}

const running = new Set<ChildProcess>()
let exitHookInstalled = false

/**
 * Kills every child still running when the parent exits normally. When the
 * parent dies without running exit hooks (SIGKILL), the child sees its IPC
 * channel disconnect and shuts itself down (server/main.ts).
 */
const installExitHook = (): void => {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL')
  })
}

/**
 * Starts `node --expose-gc --import tsx server/main.ts` on 127.0.0.1.
 * @param {SpawnServerOptions} opts
 * @return {Promise<ServerProcess>} once the listening line was printed
 * @throws {Error} when the server exits or stays silent past the timeout; the message holds its output
 */
export const spawnServer = async (opts: SpawnServerOptions): Promise<ServerProcess> => {
  installExitHook()
  const args = ['--expose-gc', ...(opts.nodeArgs ?? []), '--import', 'tsx', 'server/main.ts',
    '--host', '127.0.0.1', '--port', String(opts.port ?? 0), '--data-dir', opts.dataDir, ...(opts.args ?? [])]
  if (opts.adminToken !== undefined) args.push('--admin-token', opts.adminToken)
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc']
  })
  // The channel exists only so the child notices our death; it must not keep us alive.
  child.channel?.unref()
  running.add(child)
  let output = ''
  const exited = new Promise<ExitInfo>(resolve => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      resolve({ code, signal })
    })
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })

  const startTimeoutMs = opts.startTimeoutMs ?? 20_000
  const listening = await new Promise<z.infer<typeof listeningLineSchema>>((resolve, reject) => {
    let pending = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`Server did not print its listening line within ${startTimeoutMs} ms; output:\n${output}`))
    }, startTimeoutMs)
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      pending += chunk
      let newline = pending.indexOf('\n')
      while (newline >= 0) {
        const line = pending.slice(0, newline)
        pending = pending.slice(newline + 1)
        newline = pending.indexOf('\n')
        try {
          const parsed = listeningLineSchema.safeParse(JSON.parse(line))
          if (parsed.success) {
            clearTimeout(timer)
            resolve(parsed.data)
          }
        } catch {
          // Not JSON: ordinary output, already captured.
        }
      }
    })
    void exited.then(info => {
      clearTimeout(timer)
      reject(new Error(`Server exited (code ${info.code}, signal ${info.signal}) before listening; output:\n${output}`))
    })
  })

  const kill = async (signal: NodeJS.Signals): Promise<ExitInfo> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    return exited
  }
  const stopGraceMs = opts.stopGraceMs ?? 10_000
  return {
    url: listening.url,
    httpUrl: listening.url.replace(/^ws:/, 'http:'),
    port: listening.port,
    pid: listening.pid,
    output: () => output,
    kill,
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs)
      try {
        await kill('SIGTERM')
      } finally {
        clearTimeout(timer)
      }
    }
  }
}
