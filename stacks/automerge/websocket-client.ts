/**
 * automerge-repo's client network adapter, `WebSocketClientAdapter` of
 * @automerge/automerge-repo-network-websocket 2.5.6
 * (dist/WebSocketClientAdapter.js), ported to take the WebSocket class.
 * Upstream calls `new WebSocket(url)` on the class it imports from
 * `isomorphic-ws` (the page's global class, or `ws` in Node), and its
 * connect() uses private fields, so a subclass cannot swap the class: the
 * suite's instrumented class (bytes, messages) would never be used.
 *
 * Kept as upstream, because that is what Automerge users ship:
 *   - the join → peer handshake, CBOR frames, protocol version "1";
 *   - one fixed retry interval (5 s by default): no backoff, no jitter;
 *   - while no socket is open, every interval opens a new socket and drops
 *     the listeners of the old one without closing it (a blackholed
 *     handshake is abandoned after one interval);
 *   - after a close, one reconnect after the retry interval;
 *   - ready after 1 s even with no answer; no heartbeat of its own.
 * Changed:
 *   - `hooks` tell the suite when a socket is opening, open or closed;
 *   - a socket error is never rethrown: upstream throws every Node error but
 *     ECONNREFUSED from inside the `ws` listener (an uncaught exception in a
 *     Node process, e.g. on a reset handshake);
 *   - disconnect() also clears a pending reconnect timer, which upstream
 *     leaves to open a socket after disconnect.
 *
 * @module stacks/automerge/websocket-client
 */
import { NetworkAdapter, cbor, type Message, type PeerId, type PeerMetadata } from '@automerge/automerge-repo/slim'
import type { WebSocketConstructor, WebSocketLike } from '../../client/sync-client.ts'

/** Protocol version the upstream adapter offers (its protocolVersion.js). */
const protocolV1 = '1'
const open = 1

export interface SocketHooks {
  connecting: () => void
  open: () => void
  closed: (reason: string) => void
}

interface PeerMessage { type: 'peer', senderId: PeerId, peerMetadata: PeerMetadata }

const isPeerMessage = (message: unknown): message is PeerMessage => (message as { type?: unknown }).type === 'peer'
const isErrorMessage = (message: unknown): boolean => (message as { type?: unknown }).type === 'error'

/** Upstream's helper: `ws` would send the whole underlying buffer of a view. */
const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer

export class InjectedWebSocketClientAdapter extends NetworkAdapter {
  socket: WebSocketLike | undefined
  remotePeerId: PeerId | undefined
  private ready = false
  private resolveReady: (() => void) | undefined
  private readonly readyPromise = new Promise<void>(resolve => { this.resolveReady = resolve })
  private retryIntervalId: ReturnType<typeof setInterval> | undefined
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private readyTimer: ReturnType<typeof setTimeout> | undefined

  /**
   * @param {WebSocketConstructor} WebSocket the class every socket is made with
   * @param {string} url the server URL, query included
   * @param {number} retryInterval upstream's only knob (ms)
   */
  constructor (private readonly WebSocket: WebSocketConstructor, readonly url: string, readonly retryInterval = 5_000, private readonly hooks: SocketHooks) {
    super()
  }

  isReady (): boolean { return this.ready }
  whenReady (): Promise<void> { return this.readyPromise }

  private forceReady (): void {
    if (this.ready) return
    this.ready = true
    this.resolveReady?.()
  }

  connect (peerId: PeerId, peerMetadata?: PeerMetadata): void {
    if (this.socket === undefined || this.peerId === undefined) {
      this.peerId = peerId
      this.peerMetadata = peerMetadata ?? {}
    } else {
      // As upstream: the old socket loses its listeners and is left as it is.
      this.detach(this.socket)
    }
    this.retryIntervalId ??= setInterval(() => this.connect(peerId, peerMetadata), this.retryInterval)
    this.hooks.connecting()
    const socket = new this.WebSocket(this.url)
    this.socket = socket
    socket.binaryType = 'arraybuffer'
    socket.onopen = this.onOpen
    socket.onclose = this.onClose
    socket.onmessage = this.onMessage
    // Browsers give scripts no detail; the close that follows is what counts.
    socket.onerror = () => {}
    clearTimeout(this.readyTimer)
    this.readyTimer = setTimeout(() => this.forceReady(), 1_000)
    this.join()
  }

  private readonly onOpen = (): void => {
    clearInterval(this.retryIntervalId)
    this.retryIntervalId = undefined
    this.hooks.open()
    this.join()
  }

  private readonly onClose = (event: { code?: number }): void => {
    this.hooks.closed(`server-close:${event.code ?? 1006}`)
    if (this.remotePeerId !== undefined) this.emit('peer-disconnected', { peerId: this.remotePeerId })
    if (this.retryInterval > 0 && this.retryIntervalId === undefined) {
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined
        if (this.peerId !== undefined) this.connect(this.peerId, this.peerMetadata)
      }, this.retryInterval)
    }
  }

  private readonly onMessage = (event: { data: ArrayBuffer }): void => { this.receiveMessage(new Uint8Array(event.data)) }

  private detach (socket: WebSocketLike): void {
    socket.onopen = null
    socket.onclose = null
    socket.onmessage = null
    socket.onerror = null
  }

  private join (): void {
    if (this.socket?.readyState !== open || this.peerId === undefined) return
    this.send({ type: 'join', senderId: this.peerId, peerMetadata: this.peerMetadata, supportedProtocolVersions: [protocolV1] } as unknown as Message)
  }

  disconnect (): void {
    const socket = this.socket
    if (socket !== undefined) {
      this.detach(socket)
      socket.close()
    }
    clearInterval(this.retryIntervalId)
    clearTimeout(this.reconnectTimer)
    clearTimeout(this.readyTimer)
    this.retryIntervalId = undefined
    if (this.remotePeerId !== undefined) this.emit('peer-disconnected', { peerId: this.remotePeerId })
    this.socket = undefined
  }

  send (message: Message): void {
    if ('data' in message && message.data?.byteLength === 0) throw new Error('Tried to send a zero-length message')
    if (this.socket === undefined) return
    if (this.socket.readyState !== open) throw new Error(`Websocket not ready (${this.socket.readyState})`)
    this.socket.send(toArrayBuffer(cbor.encode(message)) as unknown as Uint8Array)
  }

  private receiveMessage (bytes: Uint8Array): void {
    let message: unknown
    try {
      message = cbor.decode(bytes)
    } catch {
      return
    }
    if (isPeerMessage(message)) {
      this.forceReady()
      this.remotePeerId = message.senderId
      this.emit('peer-candidate', { peerId: message.senderId, peerMetadata: message.peerMetadata })
    } else if (!isErrorMessage(message)) {
      this.emit('message', message as Message)
    }
  }
}
