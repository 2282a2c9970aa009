/**
 * Test helpers for the chaos proxy: a real echo TCP server as upstream, raw TCP
 * clients that record what they receive, and a registry that tears everything
 * down after each test.
 */
import { createHash } from 'node:crypto'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { ChaosProxy, type ChaosProxyStartOptions } from '../../../chaos/proxy.ts'

/** Everything a test starts, closed in afterEach even when the test fails. */
export class Teardown {
  private readonly steps: Array<() => Promise<void> | void> = []
  add (step: () => Promise<void> | void): void { this.steps.push(step) }
  async run (): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await step()
  }
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/**
 * Polls until `check` is true or throws after `timeoutMs`.
 * @param {string} what for the error
 */
export const waitUntil = async (check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (check()) return
    await sleep(5)
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** A TCP server that writes back everything it reads. */
export interface EchoServer {
  port: number
  sockets: Set<Socket>
  close: () => Promise<void>
}

export const startEchoServer = async (): Promise<EchoServer> => {
  const sockets = new Set<Socket>()
  const server: Server = createServer(socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    socket.pipe(socket)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    port,
    sockets,
    close: () => new Promise<void>(resolve => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  }
}

/** A raw TCP client that records every chunk (with its arrival time) and its error. */
export class RecordingClient {
  readonly chunks: Array<{ data: Buffer, atMs: number }> = []
  error: NodeJS.ErrnoException | null = null
  closed = false
  private constructor (readonly socket: Socket) {
    socket.on('data', (data: Buffer) => this.chunks.push({ data, atMs: performance.now() }))
    socket.on('error', (error: NodeJS.ErrnoException) => { this.error = error })
    socket.on('close', () => { this.closed = true })
  }

  /** Connects; rejects with the connection error (e.g. ECONNREFUSED). */
  static connect (port: number): Promise<RecordingClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true })
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new RecordingClient(socket))
      })
    })
  }

  get receivedBytes (): number { return this.chunks.reduce((n, c) => n + c.data.length, 0) }
  received (): Buffer { return Buffer.concat(this.chunks.map(c => c.data)) }

  /** Waits until at least `bytes` have arrived. */
  waitForBytes (bytes: number, timeoutMs = 15_000): Promise<void> {
    return waitUntil(() => this.receivedBytes >= bytes, `${bytes} bytes (got ${this.receivedBytes})`, timeoutMs)
  }

  destroy (): void { this.socket.destroy() }
}

/** The first line a replica sends: an HTTP request line carrying its clientId. */
export const helloLine = (clientId: string): Buffer => Buffer.from(`GET /room?clientId=${clientId} HTTP/1.1\r\n`)

/** Starts an echo server and a proxy in front of it, both torn down by `teardown`. */
export const startProxiedEcho = async (teardown: Teardown, options: Partial<ChaosProxyStartOptions> = {}): Promise<{ echo: EchoServer, proxy: ChaosProxy, port: number }> => {
  const echo = await startEchoServer()
  teardown.add(() => echo.close())
  const proxy = new ChaosProxy()
  teardown.add(() => proxy.stop())
  const { port } = await proxy.start({ upstream: { host: '127.0.0.1', port: echo.port }, ...options })
  return { echo, proxy, port }
}

/** Connects a recording client through the proxy, sends its hello line and waits for the echo. */
export const openClient = async (teardown: Teardown, port: number, clientId = 'anon'): Promise<RecordingClient> => {
  const client = await RecordingClient.connect(port)
  teardown.add(() => client.destroy())
  const hello = helloLine(clientId)
  client.socket.write(hello)
  await client.waitForBytes(hello.length)
  client.chunks.splice(0)
  return client
}
