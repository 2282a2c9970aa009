/**
 * A deliberately leaking sync server for the server leak detector's
 * self-test: the official @y/websocket-server (its `src/server.js`, in memory)
 * plus one bug: every closed connection leaves 64 KiB behind (a resume buffer
 * for a reconnect that never comes: written on close, never released).
 * It has no admin API and no inspector: the suite sees its memory through
 * /proc alone (the RSS of its process tree).
 *
 * Usage: PORT=<port> HOST=127.0.0.1 node --import tsx tests/detectors/targets/connection-leak-server.ts
 */
import http from 'node:http'
import { WebSocketServer } from 'ws'
import { setupWSConnection } from '@y/websocket-server/utils'

/** The leak: one buffer per closed connection, never read, never released. */
const closedConnectionBuffers: Buffer[] = []
const leakBytesPerConnection = 64 * 1024

const wss = new WebSocketServer({ noServer: true })
wss.on('connection', (conn, request) => {
  // Filled, so every page of it is resident (an untouched allocation would not show in RSS).
  conn.on('close', () => { closedConnectionBuffers.push(Buffer.alloc(leakBytesPerConnection, 1)) })
  setupWSConnection(conn, request)
})

const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' })
  response.end('okay')
})
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, ws => { wss.emit('connection', ws, request) })
})
const host = process.env.HOST ?? '127.0.0.1'
const port = Number(process.env.PORT ?? 1234)
server.listen(port, host, () => { console.log(`running at '${host}' on port ${port} (leaks ${leakBytesPerConnection} bytes per closed connection)`) })
