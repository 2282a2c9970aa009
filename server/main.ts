/**
 * CLI of the reference sync server.
 *
 *   npm run server -- --port <port> --data-dir <dir> [--host 127.0.0.1] [...]
 *
 * Every flag can also be set as `SYNC_<NAME>` in the environment. On listen it
 * prints one JSON line to stdout: {"event":"listening","url","port","pid"}.
 * Exit codes: 0 after a graceful SIGTERM/SIGINT, 2 for a bad setting, 1 otherwise.
 *
 * @module server/main
 */
import type { AddressInfo } from 'node:net'
import { buildServer } from './app.ts'
import { ConfigError, loadConfig, type ServerConfig } from './config.ts'
import { serverErrors, SyncError } from './errors.ts'

/** A graceful stop that takes longer than this exits with code 1. */
const shutdownTimeoutMs = 10_000
const configExitCode = serverErrors.SYNC_ERR_CONFIG.exitCode

const fail = (message: string, exitCode: number): never => {
  process.stderr.write(`${message}\n`)
  process.exit(exitCode)
}

const main = async (): Promise<void> => {
  let config: ServerConfig
  try {
    config = loadConfig(process.argv.slice(2), process.env)
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message, configExitCode)
    throw err
  }
  let app
  try {
    app = await buildServer(config)
  } catch (err) {
    if (err instanceof SyncError && err.code === 'SYNC_ERR_CONFIG') return fail(err.message, configExitCode)
    throw err
  }
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    await app.close()
    return fail(`Cannot listen on ${config.host}:${config.port} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): choose a free --port.`, 1)
  }
  const { port } = app.server.address() as AddressInfo
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: `ws://${host}:${port}`, port, pid: process.pid })}\n`)

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'shutting down: closing sockets and flushing logs')
    setTimeout(() => fail(`Graceful shutdown took over ${shutdownTimeoutMs} ms; exiting.`, 1), shutdownTimeoutMs).unref()
    app.close().then(() => process.exit(0), err => fail(`Shutdown failed: ${(err as Error).message}`, 1))
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  // Started by spawnServer(): stop when the parent goes away, so no server is left behind.
  if (process.send !== undefined) process.on('disconnect', () => stop('parent disconnected'))
}

main().catch(err => fail(`Server failed to start: ${(err as Error).stack ?? String(err)}`, 1))
