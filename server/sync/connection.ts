/**
 * State of one WebSocket connection: write counter and acks, rate limit,
 * heartbeat, awareness ids it controls, and closing with a stable code.
 *
 * @module server/sync/connection
 */
import type { WebSocket } from 'ws'
import { encodeFrame, writeAck } from '../../protocol/wire.ts'
import { closeReason, socketErrors, type SocketErrorCode } from '../errors.ts'
import { kind, type MessageKind, type ServerMetrics } from '../metrics.ts'
import type { DurableWaiter } from '../storage/doc-log.ts'

/** Limits that apply to every connection. */
export interface ConnectionLimits {
  maxBufferedBytes: number
  rateLimitPerSec: number
  rateLimitBurst: number
  heartbeatIntervalMs: number
  heartbeatTimeoutMs: number
}

/** A peer that does not answer our close frame is cut off after this long. */
const closeGraceMs = 2000

/** One client connection. `destroy()` clears its timers. */
export class Connection implements DurableWaiter {
  /** Document-writing sync messages received (step2 + update). */
  received = 0
  /** Highest count acknowledged as durable. */
  acked = 0
  /** Awareness client ids whose state came from this connection. */
  readonly awarenessIds = new Set<number>()
  /** Why the server closed it (SYNC_ERR_* code), null while open or when the peer closed. */
  closedBy: SocketErrorCode | null = null
  private tokens: number
  private refilledAtMs: number
  private pingSentAtMs: number
  private awaitingPong = false
  private terminateTimer: NodeJS.Timeout | null = null

  constructor (
    readonly ws: WebSocket,
    readonly ackEnabled: boolean,
    private readonly limits: ConnectionLimits,
    private readonly metrics: ServerMetrics,
    nowMs: number
  ) {
    this.tokens = limits.rateLimitBurst
    this.refilledAtMs = nowMs
    this.pingSentAtMs = nowMs
    ws.on('pong', () => { this.awaitingPong = false })
  }

  /** True once closing started, by either side. */
  get closing (): boolean {
    return this.closedBy !== null || this.ws.readyState !== 1
  }

  /**
   * Sends one frame; closes the connection when the peer reads too slowly.
   * @param {Uint8Array} frame may be shared between connections: never mutated
   * @param {MessageKind} messageKind for metrics
   */
  send (frame: Uint8Array, messageKind: MessageKind): void {
    if (this.closing) return
    this.ws.send(frame)
    this.metrics.messagesOut[messageKind]++
    this.metrics.bytesOut[messageKind] += frame.byteLength
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) this.fail('SYNC_ERR_SLOW_CONSUMER')
  }

  onDurable (seq: number): void {
    if (seq <= this.acked) return
    this.acked = seq
    if (this.ackEnabled) this.send(encodeFrame(e => writeAck(e, seq)), kind.ack)
  }

  onStorageFailed (err: Error): void {
    this.fail('SYNC_ERR_STORAGE', err.message)
  }

  /**
   * Token bucket: one token per message.
   * @param {number} nowMs
   * @return {boolean} false when the message is over the rate limit
   */
  takeToken (nowMs: number): boolean {
    const elapsedMs = nowMs - this.refilledAtMs
    if (elapsedMs > 0) {
      this.tokens = Math.min(this.limits.rateLimitBurst, this.tokens + elapsedMs * this.limits.rateLimitPerSec / 1000)
      this.refilledAtMs = nowMs
    }
    if (this.tokens < 1) return false
    this.tokens--
    return true
  }

  /** Called on every heartbeat tick: pings when due, terminates a silent peer. */
  heartbeat (nowMs: number): void {
    if (this.closing) return
    if (this.awaitingPong) {
      if (nowMs - this.pingSentAtMs >= this.limits.heartbeatTimeoutMs) {
        this.closedBy = 'SYNC_ERR_HEARTBEAT_TIMEOUT'
        // A dead peer will never read a close frame.
        this.ws.terminate()
      }
    } else if (nowMs - this.pingSentAtMs >= this.limits.heartbeatIntervalMs) {
      this.awaitingPong = true
      this.pingSentAtMs = nowMs
      this.ws.ping()
    }
  }

  /**
   * Closes this connection only, with the code's close code and reason.
   * @param {SocketErrorCode} code
   * @param {string} [detail] one sentence, appended to the reason
   */
  fail (code: SocketErrorCode, detail?: string): void {
    if (this.closing) return
    this.closedBy = code
    const { closeCode, reason } = socketErrors[code]
    this.ws.close(closeCode, closeReason(detail === undefined ? reason : `${reason}: ${detail}`))
    this.terminateTimer = setTimeout(() => this.ws.terminate(), closeGraceMs)
  }

  /** Clears timers; call when the socket closed. */
  destroy (): void {
    if (this.terminateTimer !== null) clearTimeout(this.terminateTimer)
    this.terminateTimer = null
  }
}
