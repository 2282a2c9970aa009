/**
 * The Hocuspocus stack's server, as its users ship it: `@hocuspocus/server`
 * with `@hocuspocus/extension-database`, every setting at its default (store
 * debounce 2 s, restarted by every update, at most 10 s; documents unloaded
 * as soon as their last connection leaves). The only code is the database:
 * `fetch` reads `<dataDir>/<document>.ydoc`, `store` writes the whole state
 * to a temporary file, fsyncs it, renames it over the old one and fsyncs the
 * directory, so a crash leaves the previous or the new state, never half.
 *
 *   node --import tsx stacks/hocuspocus/server.ts --port 4200 --data-dir /tmp/hocuspocus
 *
 * SIGTERM and SIGINT stop it cleanly: the server's own handler closes every
 * connection, runs the pending debounced stores and exits.
 *
 * @module stacks/hocuspocus/server
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { Server } from '@hocuspocus/server'
import { Database } from '@hocuspocus/extension-database'

const argsSchema = z.object({
  port: z.coerce.number({ message: '--port must be a port number (1-65535), e.g. --port 4200' }).int().min(1).max(65_535),
  host: z.string().default('127.0.0.1'),
  'data-dir': z.string({ message: '--data-dir is required: the folder that holds one file per document, e.g. --data-dir /tmp/hocuspocus' }).min(1)
})

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' } } })
const parsed = argsSchema.safeParse(values)
if (!parsed.success) {
  console.error(parsed.error.issues[0].message)
  process.exit(2)
}
const { port, host, 'data-dir': dataDir } = parsed.data
await fs.mkdir(dataDir, { recursive: true })

const fileOf = (documentName: string): string => path.join(dataDir, `${encodeURIComponent(documentName)}.ydoc`)

/** Whole-file replace: temp file, fsync, rename, fsync of the directory (the rename itself must survive a crash). */
const writeDurably = async (file: string, bytes: Uint8Array): Promise<void> => {
  const temp = `${file}.tmp`
  const handle = await fs.open(temp, 'w')
  try {
    await handle.writeFile(bytes)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await fs.rename(temp, file)
  const dir = await fs.open(path.dirname(file), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}

const database = new Database({
  fetch: async ({ documentName }) => {
    try {
      return new Uint8Array(await fs.readFile(fileOf(documentName)))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
  },
  // The extension's store runs under the document's save mutex, so one document never has two writes at once.
  store: async ({ documentName, state }) => { await writeDurably(fileOf(documentName), state) }
})

const server = new Server({ port, address: host, quiet: true, extensions: [database] })
await server.listen()
console.log(`hocuspocus listening on ws://${host}:${server.address.port} (data in ${dataDir})`)
