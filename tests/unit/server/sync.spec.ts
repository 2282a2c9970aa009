/**
 * Sync between raw protocol clients: relay, late joiners, awareness removal,
 * and skipping unknown message types.
 */
import { test, expect } from '@playwright/test'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { encodeFrame, writeAwareness } from '../../../protocol/wire.ts'
import { connect, makeTempDir, waitUntil, type ProtocolClient, type TestServer, startServer } from './helpers.ts'

let server: TestServer
let dir: Awaited<ReturnType<typeof makeTempDir>>
const clients: ProtocolClient[] = []

test.beforeEach(async () => {
  dir = await makeTempDir()
  server = await startServer({ dataDir: dir.path })
})

test.afterEach(async () => {
  await Promise.all(clients.splice(0).map(c => c.closeAndWait()))
  await server.close()
  await dir.remove()
})

const open = async (path: string): Promise<ProtocolClient> => {
  const client = await connect(`${server.url}/${path}`)
  clients.push(client)
  return client
}

test('two clients in a room sync both ways, and a late joiner gets the state', async () => {
  const a = await open('room-1')
  const b = await open('room-1')
  a.set('from-a', 1)
  b.set('from-b', 2)
  await waitUntil(() => a.map()['from-b'] === 2 && b.map()['from-a'] === 1, 'both updates crossed')
  const late = await open('room-1?ack=1&other=x')
  await waitUntil(() => late.map()['from-a'] === 1 && late.map()['from-b'] === 2, 'the late joiner synced')
})

test('rooms are isolated', async () => {
  const a = await open('room-a')
  const b = await open('room-b')
  a.set('k', 'a')
  b.set('k', 'b')
  const a2 = await open('room-a')
  await waitUntil(() => a2.map().k === 'a', 'room-a synced')
  expect(b.map().k).toBe('b')
})

test('awareness states of a closed connection are removed and the removal broadcast', async () => {
  const a = await open('aw')
  const b = await open('aw')
  const aDoc = new Y.Doc()
  const aAwareness = new awarenessProtocol.Awareness(aDoc)
  aAwareness.setLocalState({ user: 'alice' })
  a.sendRaw(encodeFrame(e => writeAwareness(e, awarenessProtocol.encodeAwarenessUpdate(aAwareness, [aDoc.clientID]))))
  const bAwareness = new awarenessProtocol.Awareness(new Y.Doc())
  b.ws.on('message', (data: Buffer) => {
    const frame = b.frames[b.frames.length - 1]
    if (frame?.type === 'awareness') awarenessProtocol.applyAwarenessUpdate(bAwareness, frame.update, 'server')
    void data
  })
  try {
    await waitUntil(() => bAwareness.getStates().get(aDoc.clientID)?.user === 'alice', 'b sees alice')
    await a.closeAndWait()
    await waitUntil(() => !bAwareness.getStates().has(aDoc.clientID), 'b sees alice removed')
  } finally {
    aAwareness.destroy()
    bAwareness.destroy()
  }
})

test('an unknown message type is skipped and the connection keeps syncing', async () => {
  const a = await open('unknown')
  const b = await open('unknown')
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 77)
  encoding.writeVarString(encoder, 'future extension')
  a.sendRaw(encoding.toUint8Array(encoder))
  a.set('after', true)
  await waitUntil(() => b.map().after === true, 'b got the update sent after the unknown message')
  expect(a.ws.readyState).toBe(1)
})
