/**
 * Test helpers for the server tests: an in-process server on a random
 * loopback port, a fresh temp data dir, and a raw protocol client that keeps
 * a Y.Doc and records acks.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import WebSocket from 'ws'
import * as Y from 'yjs'
import {
  encodeFrame, readFrame, writeSync, syncStep1, syncStep2, syncUpdate
} from '../../../protocol/wire.ts'
import { buildServer } from '../../../server/app.ts'
import type { ServerConfigInput } from '../../../server/config.ts'

/** A fresh temp directory; `remove()` deletes it. */
export const makeTempDir = async (): Promise<{ path: string, remove: () => Promise<void> }> => {
  const path = await mkdtemp(join(tmpdir(), 'syncstorm-server-'))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

/** A server running in this process. */
export interface TestServer {
  app: FastifyInstance
  url: string
  httpUrl: string
  close: () => Promise<void>
}

/** Starts the server on 127.0.0.1, port 0. */
export const startServer = async (config: Omit<ServerConfigInput, 'port' | 'host'>): Promise<TestServer> => {
  const app = await buildServer({ logLevel: 'warn', ...config, port: 0, host: '127.0.0.1' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return { app, url: `ws://127.0.0.1:${port}`, httpUrl: `http://127.0.0.1:${port}`, close: () => app.close() }
}

/**
 * Polls until `check` returns true.
 * @param {() => boolean | Promise<boolean>} check
 * @param {string} what for the error message
 */
export const waitUntil = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`)
}

/** How a socket closed. */
export interface CloseInfo { code: number, reason: string }

/** A raw y-websocket protocol client with its own Y.Doc. */
export class ProtocolClient {
  readonly doc = new Y.Doc()
  readonly ws: WebSocket
  /** Highest ack(n) received, or -1 before ack(0). */
  durableCount = -1
  /** Document-writing messages sent (step2 + update). */
  sent = 0
  /** Step1 seen from the server (the opening message). */
  synced = false
  readonly closed: Promise<CloseInfo>
  readonly frames: Array<ReturnType<typeof readFrame>> = []
  private readonly ackListeners: Array<(n: number) => void> = []

  constructor (url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, options)
    this.ws.binaryType = 'nodebuffer'
    this.closed = new Promise(resolve => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
    this.ws.on('error', () => {})
    this.ws.on('message', (data: Buffer) => this.onMessage(new Uint8Array(data)))
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this) this.sendUpdate(update)
    })
  }

  /** Resolves when the socket is open and the server's step1 has arrived. */
  async ready (): Promise<this> {
    await waitUntil(() => this.synced || this.ws.readyState > 1, 'the server sent step1')
    if (!this.synced) throw new Error('socket closed before the server sent step1')
    return this
  }

  /** Sends a raw frame. */
  sendRaw (frame: Uint8Array): void {
    this.ws.send(frame)
  }

  /** Sends an update frame; returns its write sequence number. */
  sendUpdate (update: Uint8Array): number {
    this.ws.send(encodeFrame(e => writeSync(e, syncUpdate, update)))
    return ++this.sent
  }

  /** Sets `key` in the map `m`; returns the write's sequence number. */
  set (key: string, value: unknown): number {
    this.doc.getMap('m').set(key, value)
    return this.sent
  }

  /** The map `m` as JSON. */
  map (): Record<string, unknown> {
    return this.doc.getMap('m').toJSON()
  }

  /** Calls `fn` with every new ack count. */
  onAck (fn: (n: number) => void): void {
    this.ackListeners.push(fn)
  }

  close (): void {
    this.ws.close()
  }

  /** Closes and waits for the close event (also for a socket already closed). */
  async closeAndWait (): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return
    this.ws.terminate()
    await this.closed
  }

  private onMessage (data: Uint8Array): void {
    const frame = readFrame(data)
    this.frames.push(frame)
    if (frame.type === 'ack') {
      this.durableCount = frame.durableCount
      for (const fn of this.ackListeners) fn(frame.durableCount)
    } else if (frame.type === 'sync') {
      if (frame.syncType === syncStep1) {
        const diff = Y.encodeStateAsUpdate(this.doc, frame.payload)
        this.ws.send(encodeFrame(e => writeSync(e, syncStep2, diff)))
        this.sent++
        // Ask for the server's state as well, as y-websocket clients do.
        const sv = Y.encodeStateVector(this.doc)
        this.ws.send(encodeFrame(e => writeSync(e, syncStep1, sv)))
        this.synced = true
      } else {
        Y.applyUpdate(this.doc, frame.payload, this)
      }
    }
  }
}

/** Connects a protocol client and waits for the opening exchange. */
export const connect = async (url: string, options?: WebSocket.ClientOptions): Promise<ProtocolClient> =>
  new ProtocolClient(url, options).ready()

/** Fetches JSON or text from the server. */
export const httpGet = async (url: string, headers: Record<string, string> = {}): Promise<{ status: number, body: string }> => {
  const res = await fetch(url, { headers })
  return { status: res.status, body: await res.text() }
}

/** Reads a numeric sample from Prometheus text (sum over label sets when `labels` is omitted). */
export const metricValue = (text: string, name: string, labels?: string): number => {
  let sum = 0
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const [key, value] = line.split(' ')
    if (key === undefined || value === undefined) continue
    const bare = key.split('{')[0]
    if (bare !== name) continue
    if (labels !== undefined && !key.includes(labels)) continue
    sum += Number(value)
  }
  return sum
}
