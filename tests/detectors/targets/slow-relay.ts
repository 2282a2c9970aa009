/**
 * A correct but slow sync stack for the latency thresholds' self-test: the
 * reference server (server/app.ts, same flags and environment as
 * `npm run server`, admin API included) behind the chaos proxy, which delays
 * everything it sends to clients by `--delay-ms` (100 by default). Nothing is
 * lost or reordered; every delivery and every ack is simply late, as behind a
 * slow relay or a far region.
 *
 * Usage: node --import tsx tests/detectors/targets/slow-relay.ts --port <port> --data-dir <dir> [--delay-ms 100]
 */
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import { buildServer } from '../../../server/app.ts'
import { loadConfig } from '../../../server/config.ts'
import { ChaosProxy } from '../../../chaos/index.ts'

/** Takes `--delay-ms N` out of argv; the rest is the reference server's. */
const splitArgs = (argv: string[]): { delayMs: number, rest: string[] } => {
  const at = argv.indexOf('--delay-ms')
  if (at === -1) return { delayMs: 100, rest: argv }
  const delayMs = z.coerce.number().int().min(0).max(10_000).parse(argv[at + 1])
  return { delayMs, rest: [...argv.slice(0, at), ...argv.slice(at + 2)] }
}

const { delayMs, rest } = splitArgs(process.argv.slice(2))
const config = loadConfig(rest, process.env)
const app = await buildServer(config)
// The server takes any free port; the proxy takes the one the suite chose.
await app.listen({ port: 0, host: '127.0.0.1' })
const serverPort = (app.server.address() as AddressInfo).port
const proxy = new ChaosProxy()
const { port } = await proxy.start({ listenPort: config.port, upstream: { host: '127.0.0.1', port: serverPort } })
await proxy.addToxic({ type: 'latency', name: 'slow-relay', stream: 'downstream', attributes: { latencyMs: delayMs } })
process.stdout.write(`${JSON.stringify({ event: 'listening', url: `ws://127.0.0.1:${port}`, port, pid: process.pid, delayMs })}\n`)

const stop = (): void => {
  Promise.all([proxy.stop(), app.close()]).then(() => process.exit(0), () => process.exit(1))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
