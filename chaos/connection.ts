/**
 * One proxied TCP connection: the client socket, the upstream socket and a
 * {@link ToxicLink} per direction.
 *
 * Targeting without terminating WebSocket: the connection reads the client's
 * first line (the HTTP upgrade request line, `GET /room?clientId=a HTTP/1.1`),
 * takes `clientId` from its query, builds the links with the toxics that
 * target that client, and forwards the peeked bytes unchanged. Until then
 * upstream data waits in the socket (clients speak first in HTTP; a client that
 * sends nothing is identified as null after `peekTimeoutMs`).
 *
 * @module chaos/connection
 */
import { connect, type Socket } from 'node:net'
import { ToxicLink } from './link.ts'
import type { Stream, Toxic } from './toxic.ts'

/** The longest first line we wait for before giving up on finding a clientId. */
const maxPeekBytes = 8 * 1024

/** A snapshot of one connection, for reports. */
export interface ConnectionInfo {
  id: number
  clientId: string | null
  remoteAddress: string
  remotePort: number
  /** Bytes forwarded client → server. */
  bytesUp: number
  /** Bytes forwarded server → client. */
  bytesDown: number
  openedAtMs: number
}

/**
 * Extracts the `clientId` query parameter from an HTTP request line, or null.
 * @param {Buffer} firstBytes the start of what the client sent
 */
export const parseClientId = (firstBytes: Buffer): string | null => {
  const end = firstBytes.indexOf('\n')
  const line = firstBytes.subarray(0, end < 0 ? firstBytes.length : end).toString('latin1')
  const match = /^[A-Z]+ (\S+) HTTP\/\d/.exec(line)
  if (match === null) return null
  try {
    const value = new URL(match[1], 'http://proxy.invalid').searchParams.get('clientId')
    return value === null || value === '' ? null : value
  } catch {
    return null
  }
}

export interface ConnectionOptions {
  id: number
  client: Socket
  upstream: { host: string, port: number }
  peekTimeoutMs: number
  highWaterMarkBytes: number
  /** The toxics (in order) this connection gets for a direction, once its client is known. */
  toxicsFor: (stream: Stream, clientId: string | null) => Array<{ name: string, toxic: Toxic }>
  onClose: (connection: ProxyConnection) => void
}

export class ProxyConnection {
  readonly id: number
  readonly openedAtMs = Date.now()
  clientId: string | null = null
  private bytesUp = 0
  private bytesDown = 0
  private readonly client: Socket
  private readonly upstream: Socket
  private links: { upstream: ToxicLink, downstream: ToxicLink } | null = null
  private peekTimer: NodeJS.Timeout | null = null
  private closing: Promise<void> | null = null

  constructor (private readonly options: ConnectionOptions) {
    this.id = options.id
    this.client = options.client
    this.client.setNoDelay(true)
    this.upstream = connect({ host: options.upstream.host, port: options.upstream.port, allowHalfOpen: true, noDelay: true })
    for (const socket of [this.client, this.upstream]) {
      // A socket error ends only this connection.
      socket.on('error', () => { void this.close() })
    }
    this.client.on('close', () => { void this.close() })
    this.upstream.on('close', hadError => { if (hadError) void this.close() })
    this.peek()
  }

  private peek (): void {
    const seen: Buffer[] = []
    let seenBytes = 0
    let ended = false
    const finish = (): void => {
      if (this.peekTimer !== null) clearTimeout(this.peekTimer)
      this.peekTimer = null
      this.client.off('data', onData)
      this.client.off('end', onEnd)
      if (this.closing !== null) return
      const firstBytes = Buffer.concat(seen)
      this.identify(parseClientId(firstBytes), firstBytes, ended)
    }
    const onData = (data: Buffer): void => {
      seen.push(data)
      seenBytes += data.length
      if (data.includes('\n') || seenBytes >= maxPeekBytes) finish()
    }
    const onEnd = (): void => {
      ended = true
      finish()
    }
    this.client.on('data', onData)
    this.client.on('end', onEnd)
    this.peekTimer = setTimeout(finish, this.options.peekTimeoutMs)
  }

  private identify (clientId: string | null, firstBytes: Buffer, clientEnded: boolean): void {
    this.clientId = clientId
    const hooks = (count: (bytes: number) => void): ConstructorParameters<typeof ToxicLink>[2] => ({
      reset: () => this.reset(),
      onForwarded: count,
      onError: () => { void this.close() }
    })
    const upstream = new ToxicLink('upstream', this.options.toxicsFor('upstream', clientId), hooks(n => { this.bytesUp += n }), this.options.highWaterMarkBytes)
    const downstream = new ToxicLink('downstream', this.options.toxicsFor('downstream', clientId), hooks(n => { this.bytesDown += n }), this.options.highWaterMarkBytes)
    this.links = { upstream, downstream }
    upstream.start(this.client, this.upstream, firstBytes)
    if (clientEnded) upstream.input.close()
    downstream.start(this.upstream, this.client, null)
  }

  /** The link carrying `stream`, or null before the client is identified. */
  link (stream: Stream): ToxicLink | null {
    return this.links?.[stream] ?? null
  }

  info (): ConnectionInfo {
    return {
      id: this.id,
      clientId: this.clientId,
      remoteAddress: this.client.remoteAddress ?? '',
      remotePort: this.client.remotePort ?? 0,
      bytesUp: this.bytesUp,
      bytesDown: this.bytesDown,
      openedAtMs: this.openedAtMs
    }
  }

  /**
   * Sends an RST both ways (the client and the server see ECONNRESET), as
   * Toxiproxy's reset_peer does, and tears down. An upstream socket still
   * connecting is just destroyed.
   */
  reset (): Promise<void> {
    for (const socket of [this.client, this.upstream]) {
      if (!socket.destroyed) socket.resetAndDestroy()
    }
    return this.close()
  }

  /** Destroys both sockets and stops both links; idempotent. */
  close (): Promise<void> {
    this.closing ??= (async () => {
      if (this.peekTimer !== null) clearTimeout(this.peekTimer)
      this.peekTimer = null
      this.client.destroy()
      this.upstream.destroy()
      if (this.links !== null) await Promise.all([this.links.upstream.close(), this.links.downstream.close()])
      this.options.onClose(this)
    })()
    return this.closing
  }
}
