/**
 * ChaosProxy: a fault-injecting TCP proxy on loopback between sync replicas
 * and the sync server, with Toxiproxy's model (toxics per direction, toxicity)
 * plus per-replica targeting by the `clientId` query parameter of the
 * WebSocket upgrade request, read without terminating WebSocket.
 *
 *   const proxy = new ChaosProxy()
 *   const { port } = await proxy.start({ upstream: { host: '127.0.0.1', port: serverPort } })
 *   await proxy.addToxic({ type: 'blackhole', stream: 'downstream', clients: ['a'] })
 *
 * With `idleTimeoutMs` it also behaves like a load balancer: a connection with
 * no bytes either way for that long is closed (`idle_closed` in the timeline).
 *
 * @module chaos/proxy
 */
import { createServer, type Server, type Socket } from 'node:net'
import { z } from 'zod'
import { loopbackAddressSchema, loopbackHostSchema, portSchema } from './address.ts'
import { defaultHighWaterMarkBytes } from './channel.ts'
import { ProxyConnection, type ConnectionInfo } from './connection.ts'
import { ChaosError } from './errors.ts'
import type { FaultProxy } from './fault-proxy.ts'
import { describeIssue, parseToxicSpec, type ToxicSpec, type ToxicSpecInput } from './spec.ts'
import type { Stream, Toxic } from './toxic.ts'
import { ToxicWrapper } from './wrapper.ts'

export const chaosProxyStartOptionsSchema = z.strictObject({
  listenHost: loopbackHostSchema.default('127.0.0.1'),
  listenPort: portSchema.default(0),
  upstream: loopbackAddressSchema,
  /** How long to wait for the client's first line before treating it as anonymous. */
  peekTimeoutMs: z.number().int().min(1).max(60_000).default(1_000),
  /** Bound on the bytes queued per stage of a link. */
  highWaterMarkBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(defaultHighWaterMarkBytes),
  /** Like a load balancer: a connection with no bytes in either direction for this long is closed. Off when absent. */
  idleTimeoutMs: z.number().int().min(1).max(3_600_000).optional()
})
export type ChaosProxyStartOptions = z.input<typeof chaosProxyStartOptionsSchema>

/** One entry of the proxy's timeline (`atMs` is epoch milliseconds). */
export type TimelineEvent =
  | { atMs: number, event: 'toxic_added', toxic: ToxicSpec }
  | { atMs: number, event: 'toxic_removed', name: string }
  | { atMs: number, event: 'reset', clients: string[] | null, connections: number }
  | { atMs: number, event: 'down', cutExisting: boolean, connections: number }
  | { atMs: number, event: 'up' }
  | { atMs: number, event: 'idle_closed', clientId: string | null, idleMs: number }

export class ChaosProxy implements FaultProxy {
  private server: Server | null = null
  private settings: z.output<typeof chaosProxyStartOptionsSchema> | null = null
  private port = 0
  private down = false
  private stopped = false
  private nextConnectionId = 1
  private readonly open = new Map<number, ProxyConnection>()
  private readonly toxics: ToxicWrapper[] = []
  private readonly events: TimelineEvent[] = []

  /** @param {() => number} random source for the toxicity draws (tests may pin it) */
  constructor (private readonly random: () => number = Math.random) {}

  /**
   * Listens on loopback and forwards to `upstream` (which must be loopback too).
   * @return {Promise<{ port: number }>} the port clients should connect to
   */
  async start (options: ChaosProxyStartOptions): Promise<{ port: number }> {
    if (this.server !== null || this.stopped) throw new ChaosError('CHAOS_ERR_STATE', 'This proxy was already started; create a new ChaosProxy for another upstream.')
    const parsed = chaosProxyStartOptionsSchema.safeParse(options)
    if (!parsed.success) {
      const notLoopback = parsed.error.issues[0].message.startsWith('must be a loopback')
      throw new ChaosError(notLoopback ? 'CHAOS_ERR_NOT_LOOPBACK' : 'CHAOS_ERR_INVALID', describeIssue('proxy options', parsed.error))
    }
    this.settings = parsed.data
    this.port = await this.listen(parsed.data.listenPort)
    return { port: this.port }
  }

  private listen (port: number): Promise<number> {
    const settings = this.requireStarted()
    const server = createServer({ allowHalfOpen: true }, socket => this.accept(socket))
    this.server = server
    return new Promise((resolve, reject) => {
      server.once('error', error => {
        this.server = null
        reject(new ChaosError('CHAOS_ERR_STATE', `Cannot listen on ${settings.listenHost}:${port} (${(error as NodeJS.ErrnoException).code ?? error.message}); pick another port.`))
      })
      server.listen(port, settings.listenHost, () => {
        const address = server.address()
        resolve(typeof address === 'object' && address !== null ? address.port : port)
      })
    })
  }

  private requireStarted (): z.output<typeof chaosProxyStartOptionsSchema> {
    if (this.settings === null) throw new ChaosError('CHAOS_ERR_STATE', 'The proxy is not started; call start() first.')
    return this.settings
  }

  private accept (socket: Socket): void {
    const settings = this.requireStarted()
    if (this.down || this.stopped) {
      socket.resetAndDestroy()
      return
    }
    const connection = new ProxyConnection({
      id: this.nextConnectionId++,
      client: socket,
      upstream: settings.upstream,
      peekTimeoutMs: settings.peekTimeoutMs,
      highWaterMarkBytes: settings.highWaterMarkBytes,
      toxicsFor: (stream, clientId) => this.toxicsFor(stream, clientId),
      onClose: c => { this.open.delete(c.id) }
    })
    this.open.set(connection.id, connection)
    this.watchIdle(socket, connection, settings.idleTimeoutMs)
  }

  /**
   * Every byte either way crosses the client socket (read from it upstream,
   * written to it downstream), so its inactivity timer is the idle timer.
   */
  private watchIdle (socket: Socket, connection: ProxyConnection, idleTimeoutMs: number | undefined): void {
    if (idleTimeoutMs === undefined) return
    socket.setTimeout(idleTimeoutMs, () => {
      if (!this.open.has(connection.id)) return
      this.record({ atMs: Date.now(), event: 'idle_closed', clientId: connection.clientId, idleMs: idleTimeoutMs })
      void connection.close()
    })
  }

  private toxicsFor (stream: Stream, clientId: string | null): Array<{ name: string, toxic: Toxic }> {
    return this.toxics.filter(w => w.spec.stream === stream).map(w => ({ name: w.spec.name, toxic: w.instantiate(clientId) }))
  }

  /**
   * Adds a toxic; it applies to new connections and to open connections it targets.
   * @param {ToxicSpecInput} input throws a one-sentence ChaosError if invalid or the name is taken
   */
  async addToxic (input: ToxicSpecInput): Promise<ToxicSpec> {
    const spec = parseToxicSpec(input)
    if (this.toxics.some(w => w.spec.name === spec.name)) throw new ChaosError('CHAOS_ERR_EXISTS', `A toxic named "${spec.name}" already exists; remove it first or give the new one another name.`)
    const wrapper = new ToxicWrapper(spec, this.random)
    this.toxics.push(wrapper)
    this.record({ atMs: Date.now(), event: 'toxic_added', toxic: spec })
    await Promise.all([...this.open.values()].map(c => c.link(spec.stream)?.add(spec.name, wrapper.instantiate(c.clientId))))
    return spec
  }

  /**
   * Removes a toxic from the proxy and from every open connection, losing no bytes: a blackhole delivers what it held.
   * @param {string} name
   */
  async removeToxic (name: string): Promise<void> {
    const index = this.toxics.findIndex(w => w.spec.name === name)
    if (index < 0) throw new ChaosError('CHAOS_ERR_NOT_FOUND', `No toxic named "${name}"; list them with GET /toxics or listToxics().`)
    const [wrapper] = this.toxics.splice(index, 1)
    this.record({ atMs: Date.now(), event: 'toxic_removed', name })
    await Promise.all([...this.open.values()].map(c => c.link(wrapper.spec.stream)?.remove(name)))
  }

  async listToxics (): Promise<ToxicSpec[]> {
    return this.toxics.map(w => w.spec)
  }

  /**
   * Down: stops listening, so new connections are refused (ECONNREFUSED);
   * `cutExisting` (default true) also resets open ones. Up listens again on the same port.
   */
  async setDown (down: boolean, options: { cutExisting?: boolean } = {}): Promise<void> {
    this.requireStarted()
    if (this.stopped) throw new ChaosError('CHAOS_ERR_STATE', 'The proxy is stopped; start a new one.')
    if (down === this.down) return
    this.down = down
    if (down) {
      const cutExisting = options.cutExisting ?? true
      this.server?.close()
      this.server = null
      const connections = cutExisting ? await this.resetWhere(() => true) : 0
      this.record({ atMs: Date.now(), event: 'down', cutExisting, connections })
      return
    }
    await this.listen(this.port)
    this.record({ atMs: Date.now(), event: 'up' })
  }

  async resetAll (): Promise<void> {
    const connections = await this.resetWhere(() => true)
    this.record({ atMs: Date.now(), event: 'reset', clients: null, connections })
  }

  /**
   * Resets the open connections of the given clients.
   * @return {Promise<number>} how many connections were reset
   */
  async resetClients (clientIds: string[]): Promise<number> {
    const ids = new Set(clientIds)
    const connections = await this.resetWhere(c => c.clientId !== null && ids.has(c.clientId))
    this.record({ atMs: Date.now(), event: 'reset', clients: [...ids], connections })
    return connections
  }

  private async resetWhere (match: (c: ProxyConnection) => boolean): Promise<number> {
    const chosen = [...this.open.values()].filter(match)
    await Promise.all(chosen.map(c => c.reset()))
    return chosen.length
  }

  /** Snapshots of the open connections. */
  connections (): ConnectionInfo[] {
    return [...this.open.values()].map(c => c.info())
  }

  /** The events so far (toxics added/removed, resets, down/up), oldest first. */
  timeline (): TimelineEvent[] {
    return [...this.events]
  }

  /** Closes the listener and every connection; leaves no timers or sockets. */
  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    const server = this.server
    this.server = null
    const closed = server === null ? Promise.resolve() : new Promise<void>(resolve => server.close(() => resolve()))
    await Promise.all([...this.open.values()].map(c => c.close()))
    await closed
  }

  private record (event: TimelineEvent): void {
    this.events.push(event)
  }
}
