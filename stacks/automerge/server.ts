/**
 * The Automerge stack's sync server, as automerge's own sync server runs
 * one: a `Repo` with automerge-repo-network-websocket's `WebSocketServerAdapter`
 * (it pings every socket every 5 s and drops one that missed a pong) and
 * automerge-repo-storage-nodefs writing to `--data-dir`. It shares a
 * document only with peers that ask for it (`sharePolicy` false), and
 * learns a document from the first client that syncs it.
 *
 *   node --import tsx stacks/automerge/server.ts --port 4200 --data-dir /tmp/am
 *
 * SIGTERM / SIGINT: stop accepting, flush every document, exit 0.
 *
 * @module stacks/automerge/server
 */
import { parseArgs } from 'node:util'
import { WebSocketServer } from 'ws'
import { z } from 'zod'
import { Repo, type PeerId } from '@automerge/automerge-repo'
import { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'

const argsSchema = z.object({
  port: z.coerce.number({ error: 'must be a port number' }).int().min(1).max(65_535),
  host: z.string().min(1),
  'data-dir': z.string({ error: 'is required: the folder the documents are written to' }).min(1)
})

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' }, 'data-dir': { type: 'string' } } })
const parsed = argsSchema.safeParse(values)
if (!parsed.success) {
  const issue = parsed.error.issues[0]
  console.error(`--${issue.path.join('.')} ${issue.message}; e.g. --port 4200 --data-dir ./automerge-data`)
  process.exit(2)
}
const { port, host, 'data-dir': dataDir } = parsed.data

const wss = new WebSocketServer({ host, port })
const repo = new Repo({
  network: [new WebSocketServerAdapter(wss as never)],
  storage: new NodeFSStorageAdapter(dataDir),
  peerId: `automerge-server-${port}` as PeerId,
  sharePolicy: async () => false
})
wss.on('listening', () => console.log(`automerge sync server on ws://${host}:${port}, data in ${dataDir}`))

let stopping = false
const stop = async (signal: string): Promise<void> => {
  if (stopping) return
  stopping = true
  console.log(`${signal}: flushing documents and closing`)
  // shutdown() drops every client (the network adapter's disconnect) and writes every document.
  await repo.shutdown()
  await new Promise<void>(resolve => wss.close(() => resolve()))
  process.exit(0)
}
process.on('SIGTERM', () => { void stop('SIGTERM') })
process.on('SIGINT', () => { void stop('SIGINT') })
