/**
 * A deliberately leaking sync server for the leak detector's self-test: the
 * reference server (server/app.ts, same flags and environment as
 * `npm run server`, admin API included) plus one bug: every message a room
 * handles is kept for as long as the server runs: decoded in a debug log, and
 * copied into each other connection's replay outbox, neither ever trimmed.
 *
 * Usage: node --expose-gc --import tsx tests/detectors/targets/leaky-server.ts --port <port> --data-dir <dir> [--host 127.0.0.1]
 */
import type { AddressInfo } from 'node:net'
import * as Y from 'yjs'
import { buildServer } from '../../../server/app.ts'
import { loadConfig } from '../../../server/config.ts'
import { Room } from '../../../server/sync/room.ts'
import { readFrame, type Frame } from '../../../protocol/wire.ts'

/** The leak: written on every message, never read, never released. */
const debugLog: Array<{ at: number, frame: Frame, decoded?: ReturnType<typeof Y.decodeUpdate> }> = []
const outboxes = new WeakMap<object, Uint8Array[]>()

const handle = Room.prototype.handle
Room.prototype.handle = function leakyHandle (this: Room, ...args: Parameters<Room['handle']>): void {
  const [sender, data] = args
  try {
    const frame = readFrame(data)
    debugLog.push({ at: Date.now(), frame, decoded: frame.type === 'sync' && frame.syncType !== 0 ? Y.decodeUpdate(frame.payload) : undefined })
    for (const conn of this.conns) {
      if (conn === sender) continue
      const outbox = outboxes.get(conn) ?? []
      outboxes.set(conn, outbox)
      outbox.push(data.slice())
    }
  } catch {
    // A bad frame is the real handler's to reject.
  }
  handle.apply(this, args)
}

const config = loadConfig(process.argv.slice(2), process.env)
const app = await buildServer(config)
await app.listen({ port: config.port, host: config.host })
const { port } = app.server.address() as AddressInfo
process.stdout.write(`${JSON.stringify({ event: 'listening', url: `ws://${config.host}:${port}`, port, pid: process.pid, leaky: true })}\n`)

const stop = (): void => { app.close().then(() => process.exit(0), () => process.exit(1)) }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
// Started by the suite: stop when the parent goes away.
if (process.send !== undefined) process.on('disconnect', stop)
