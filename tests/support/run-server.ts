/**
 * A real `playwright run-server` on a random loopback port, in its own process
 * group, for the remote-browser tests. `stop()` asks it to close its browsers
 * and exit (SIGINT), then kills the group; `kill()` is a host dying (SIGKILL).
 *
 * @module tests/support/run-server
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/playwright-core/cli.js')
const startTimeoutMs = 30_000
const stopGraceMs = 10_000

export interface RunServer {
  wsEndpoint: string
  pid: number
  /** SIGKILL to the whole group, now: the host is gone. */
  kill: () => void
  /** Graceful stop, then SIGKILL to the group; resolves once the server exited. */
  stop: () => Promise<void>
}

/**
 * @return {Promise<RunServer>} once it listens
 * @throws with its output when it does not start within 30 s
 */
export const startRunServer = async (): Promise<RunServer> => {
  const child = spawn(process.execPath, [cli, 'run-server', '--port', '0', '--host', '127.0.0.1', '--unsafe'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const pid = child.pid as number
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  let output = ''
  const killGroup = (): void => {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  try {
    const wsEndpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`playwright run-server did not listen within ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs)
      const onData = (chunk: Buffer): void => {
        output += chunk.toString()
        const match = /Listening on (ws:\/\/\S+)/.exec(output)
        if (match !== null) {
          clearTimeout(timer)
          resolve(match[1])
        }
      }
      child.stdout?.on('data', onData)
      child.stderr?.on('data', onData)
      child.once('exit', code => {
        clearTimeout(timer)
        reject(new Error(`playwright run-server exited with ${code} before listening:\n${output}`))
      })
    })
    return {
      wsEndpoint,
      pid,
      kill: killGroup,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
        const timer = setTimeout(killGroup, stopGraceMs)
        await exited
        clearTimeout(timer)
        killGroup()
      }
    }
  } catch (error) {
    killGroup()
    throw error
  }
}
