/**
 * Liveness for one connection. Browsers cannot send WebSocket pings, so the
 * client pings at the protocol level (queryAwareness, which the reference
 * server answers) and counts ANY received message as a sign of life. Only a
 * heartbeat detects a half-open connection (DESIGN §5, blackhole).
 *
 * @module client/heartbeat
 */

export interface HeartbeatOptions { intervalMs: number, timeoutMs: number }

export interface HeartbeatHooks {
  /** Sends something the server answers or echoes. */
  ping: () => void
  /** Nothing arrived for timeoutMs: the caller drops the connection. */
  timeout: () => void
}

export class Heartbeat {
  private timer: ReturnType<typeof setInterval> | undefined
  private lastReceivedMs = 0

  constructor (private readonly options: HeartbeatOptions, private readonly hooks: HeartbeatHooks) {}

  /** Starts watching a freshly opened connection. */
  start (): void {
    this.stop()
    this.lastReceivedMs = performance.now()
    this.timer = setInterval(() => this.tick(), this.options.intervalMs)
  }

  /** Call on every received message. */
  received (): void {
    this.lastReceivedMs = performance.now()
  }

  stop (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }

  private tick (): void {
    if (performance.now() - this.lastReceivedMs > this.options.timeoutMs) {
      this.stop()
      this.hooks.timeout()
    } else {
      this.hooks.ping()
    }
  }
}
