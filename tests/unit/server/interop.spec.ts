/**
 * Interoperability with the official y-websocket client (WebsocketProvider 3.1.0),
 * without its BroadcastChannel side channel.
 */
import { test, expect } from '@playwright/test'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { connect, makeTempDir, startServer, waitUntil, type ProtocolClient, type TestServer } from './helpers.ts'

let server: TestServer
let dir: Awaited<ReturnType<typeof makeTempDir>>
const providers: WebsocketProvider[] = []
const clients: ProtocolClient[] = []

test.beforeEach(async () => {
  dir = await makeTempDir()
  server = await startServer({ dataDir: dir.path })
})

test.afterEach(async () => {
  for (const provider of providers.splice(0)) provider.destroy()
  await Promise.all(clients.splice(0).map(c => c.closeAndWait()))
  await server.close()
  await dir.remove()
})

const provide = (room: string): { doc: Y.Doc, provider: WebsocketProvider } => {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(server.url, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true
  })
  providers.push(provider)
  return { doc, provider }
}

test('the official provider syncs with a raw client in both directions', async () => {
  const { doc, provider } = provide('interop-room')
  await waitUntil(() => provider.synced, 'the provider synced')
  const raw = await connect(`${server.url}/interop-room`)
  clients.push(raw)
  doc.getMap('m').set('from-provider', 'p')
  raw.set('from-raw', 'r')
  await waitUntil(() => raw.map()['from-provider'] === 'p', 'the raw client sees the provider write')
  await waitUntil(() => doc.getMap('m').get('from-raw') === 'r', 'the provider sees the raw write')
})

test('two official providers converge through the server, and awareness flows', async () => {
  const a = provide('two-providers')
  const b = provide('two-providers')
  await waitUntil(() => a.provider.synced && b.provider.synced, 'both providers synced')
  a.provider.awareness.setLocalStateField('user', 'ann')
  for (let i = 0; i < 20; i++) {
    a.doc.getArray('list').push([`a${i}`])
    b.doc.getArray('list').push([`b${i}`])
  }
  await waitUntil(() => a.doc.getArray('list').length === 40 && b.doc.getArray('list').length === 40, 'both have 40 items')
  expect(a.doc.getArray('list').toJSON()).toEqual(b.doc.getArray('list').toJSON())
  await waitUntil(() => [...b.provider.awareness.getStates().values()].some(s => s.user === 'ann'), 'b sees ann')
  // A fresh raw client cold-loads the same state from the server.
  const fresh = await connect(`${server.url}/two-providers`)
  clients.push(fresh)
  await waitUntil(() => fresh.doc.getArray('list').length === 40, 'the fresh client has 40 items')
})
