/**
 * Real servers for the client's tests, each on a random loopback port:
 * the official @y/websocket-server (in memory, no acks) and the reference
 * server (server/main.ts, durable, acks). Both are child processes, so tests
 * can kill, stop (SIGSTOP) and restart them.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { expect } from '@playwright/test'
import type { createAdapterHost } from '../../../client/adapter/host.ts'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..')

export interface ServerProcess {
  /** ws://127.0.0.1:port */
  url: string
  port: number
  child: ChildProcess
  /** Kills the process (SIGKILL unless told) and waits for it to exit. */
  stop: (signal?: NodeJS.Signals) => Promise<void>
}

/** A port that was free a moment ago (the official server cannot listen on port 0 and report it). */
export const freePort = async (): Promise<number> => {
  const server = net.createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

const startProcess = async (args: string[], env: Record<string, string>, portOf: (output: string) => number | undefined): Promise<ServerProcess> => {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`server did not start within 15 s; output:\n${output}`)), 15_000)
    const fail = (err: Error): void => { clearTimeout(timer); child.kill('SIGKILL'); reject(err) }
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const port = portOf(output)
      if (port !== undefined) { clearTimeout(timer); resolve(port) }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.once('exit', code => fail(new Error(`server exited with ${code} before listening; output:\n${output}`)))
  })
  // Keep draining the pipes so the child never blocks on a full pipe.
  child.stdout!.resume()
  child.stderr!.resume()
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    child,
    stop: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT')
        child.kill(signal)
      }
      await exited
    }
  }
}

/**
 * The official y-websocket server, in memory, no acks.
 * @param {number} port fixed port, so a restarted server is reachable at the same URL
 */
export const startOfficialServer = async (port?: number): Promise<ServerProcess> => {
  const chosen = port ?? await freePort()
  return startProcess([path.join(root, 'node_modules/@y/websocket-server/src/server.js')],
    { PORT: String(chosen), HOST: '127.0.0.1' }, output => output.includes('running at') ? chosen : undefined)
}

/**
 * The reference server with a data dir (fresh temp dir unless given).
 * @param {{ port?: number, dataDir?: string }} options
 */
export const startReferenceServer = async (options: { port?: number, dataDir?: string } = {}): Promise<ServerProcess & { dataDir: string }> => {
  const dataDir = options.dataDir ?? await fs.mkdtemp(path.join(os.tmpdir(), 'syncstorm-client-test-'))
  const started = await startProcess(['--expose-gc', '--import', 'tsx', path.join(root, 'server/main.ts'), '--port', String(options.port ?? 0), '--data-dir', dataDir],
    {}, listeningPort)
  return { ...started, dataDir }
}

/** The port from the reference server's `{"event":"listening","port":N}` line, once printed. */
const listeningPort = (output: string): number | undefined => {
  for (const line of output.split('\n')) {
    if (!line.includes('"listening"')) continue
    try {
      const parsed = JSON.parse(line) as { event?: unknown, port?: unknown }
      if (parsed.event === 'listening' && typeof parsed.port === 'number') return parsed.port
    } catch {
      // a partial line: wait for the rest
    }
  }
  return undefined
}

/**
 * Polls until `done()` holds; bounded by timeoutMs.
 * @throws with `what` when the deadline passes
 */
export const waitFor = async (done: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/**
 * Two replicas of one adapter host open `docName` at once, write, update and
 * delete across each other, and must converge with the contract's reports;
 * resolves with their digest. The shipped stacks' tests share it.
 */
export const exchangeTwoReplicas = async (host: ReturnType<typeof createAdapterHost>, url: string, docName: string): Promise<string> => {
  await Promise.all(['a', 'b'].map(async replicaId => { await host.connect({ replicaId, url, docName }) }))
  await Promise.all(['a', 'b'].map(async id => { await host.waitSynced(id, 10_000) }))
  await host.apply('a', [{ kind: 'create', opId: 'a:1', todoId: 't1', title: 'one' }, { kind: 'create', opId: 'a:2', todoId: 't2', title: 'two' }])
  await host.apply('b', [{ kind: 'create', opId: 'b:1', todoId: 't3', title: 'three' }])
  await waitFor(async () => (await host.opIds('b')).includes('a:2'), 10_000, 'b to see a:2')
  await host.apply('b', [{ kind: 'update', opId: 'b:2', todoId: 't1' }, { kind: 'delete', opId: 'b:3', todoId: 't2' }])
  await waitFor(async () => (await host.digest('a')) === (await host.digest('b')), 10_000, 'equal digests')
  expect((await host.opIds('a')).sort()).toEqual(['a:1', 'a:2', 'b:1', 'b:2', 'b:3'])
  const stats = await host.stats('a')
  expect(Object.keys(stats.seen).sort()).toEqual(['b:1', 'b:2', 'b:3'])
  expect(stats.connection.map(e => e.state)).toEqual(['connecting', 'open', 'synced'])
  expect(stats.ackMode).toBe('no-ack')
  // The injected class carried the traffic: the host counted it.
  expect(stats.bytesIn).toBeGreaterThan(0)
  expect(stats.bytesOut).toBeGreaterThan(0)
  return await host.digest('a')
}
