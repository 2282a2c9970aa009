/**
 * Runs the chaos proxy on its own:
 *
 *   node --import tsx chaos/main.ts --listen 127.0.0.1:0 --upstream 127.0.0.1:4000 --control 127.0.0.1:0
 *
 * Prints one JSON line `{"event":"listening","port":…,"controlPort":…}` and
 * stops cleanly on SIGINT/SIGTERM. Every address must be loopback; otherwise
 * it prints one sentence and exits with code 2.
 *
 * @module chaos/main
 */
import { parseArgs } from 'node:util'
import { parseLoopbackAddress } from './address.ts'
import { startControlServer } from './control.ts'
import { ChaosError } from './errors.ts'
import { ChaosProxy } from './proxy.ts'

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      listen: { type: 'string', default: '127.0.0.1:0' },
      upstream: { type: 'string' },
      control: { type: 'string', default: '127.0.0.1:0' }
    }
  })
  if (values.upstream === undefined) throw new ChaosError('CHAOS_ERR_INVALID', 'The --upstream option is required, for example --upstream 127.0.0.1:4000.')
  const listen = parseLoopbackAddress('--listen', values.listen)
  const upstream = parseLoopbackAddress('--upstream', values.upstream)
  const control = parseLoopbackAddress('--control', values.control)
  const proxy = new ChaosProxy()
  const { port } = await proxy.start({ listenHost: listen.host, listenPort: listen.port, upstream })
  const { server, port: controlPort } = await startControlServer(proxy, control)
  process.stdout.write(JSON.stringify({ event: 'listening', port, controlPort }) + '\n')
  const shutdown = (): void => {
    server.closeAllConnections()
    server.close()
    void proxy.stop().then(() => process.stdout.write(JSON.stringify({ event: 'stopped' }) + '\n'))
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 2
})
