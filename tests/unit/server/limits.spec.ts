/**
 * Bad input and limits. Each case closes only the offending connection with a
 * clear close code and reason: clients in the same room and in another room
 * keep syncing, and nothing acknowledged is lost.
 */
import { test, expect } from '@playwright/test'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { signToken } from '../../../server/auth.ts'
import { connect, httpGet, makeTempDir, metricValue, ProtocolClient, startServer, waitUntil, type TestServer } from './helpers.ts'

let dir: Awaited<ReturnType<typeof makeTempDir>>
let server: TestServer | null = null
const clients: ProtocolClient[] = []

test.beforeEach(async () => {
  dir = await makeTempDir()
})

test.afterEach(async () => {
  await Promise.all(clients.splice(0).map(c => c.closeAndWait()))
  await server?.close()
  server = null
  await dir.remove()
})

const start = async (config: Record<string, unknown> = {}): Promise<TestServer> => {
  server = await startServer({ dataDir: dir.path, ...config })
  return server
}

const track = (client: ProtocolClient): ProtocolClient => {
  clients.push(client)
  return client
}

/** Two writers in `room` and two in another room, with acked writes made before the fault. */
const bystanders = async (url: string, room: string, query = '') => {
  const sep = query === '' ? '?ack=1' : `${query}&ack=1`
  const same = [track(await connect(`${url}/${room}${sep}`)), track(await connect(`${url}/${room}${sep}`))]
  const other = [track(await connect(`${url}/${room}-other${sep}`)), track(await connect(`${url}/${room}-other${sep}`))]
  same[0].set('before', 1)
  other[0].set('before', 1)
  await waitUntil(() => same[0].durableCount === same[0].sent && other[0].durableCount === other[0].sent, 'bystander writes acked')
  /** After the fault: both rooms still sync, and the acked writes are still on the server. */
  const check = async (): Promise<void> => {
    expect([...same, ...other].map(c => c.ws.readyState), 'every bystander is still open').toEqual([1, 1, 1, 1])
    same[1].set('after', 2)
    other[1].set('after', 2)
    await waitUntil(() => same[0].map().after === 2 && other[0].map().after === 2, 'bystanders still sync')
    const fresh = track(await connect(`${url}/${room}${query}`))
    await waitUntil(() => fresh.map().before === 1 && fresh.map().after === 2, 'a fresh client sees every acked write')
  }
  return { check }
}

const offender = async (url: string): Promise<ProtocolClient> => track(await connect(url))

const badFrames: Array<{ name: string, frame: number[], code: number, reason: string }> = [
  { name: 'an unknown sync type', frame: [0, 5, 0], code: 4400, reason: 'unknown sync message type 5' },
  { name: 'a truncated varint', frame: [0x80], code: 4400, reason: 'truncated varint' },
  { name: 'a length prefix past the end', frame: [0, 2, 50, 1, 2], code: 4400, reason: 'length prefix' },
  { name: 'an empty frame', frame: [], code: 4400, reason: 'empty frame' },
  { name: 'an update Yjs cannot apply', frame: [0, 2, 3, 0xff, 0xff, 0xff], code: 4422, reason: 'update could not be applied' }
]

for (const bad of badFrames) {
  test(`${bad.name} closes only its connection`, async () => {
    const { url } = await start()
    const { check } = await bystanders(url, 'bad-frame')
    const client = await offender(`${url}/bad-frame`)
    client.sendRaw(new Uint8Array(bad.frame))
    const closed = await client.closed
    expect(closed.code).toBe(bad.code)
    expect(closed.reason).toContain(bad.reason)
    await check()
  })
}

test('an oversized frame closes only its connection with 1009 and a reason', async () => {
  const { url } = await start({ maxFrameBytes: 1024 })
  const { check } = await bystanders(url, 'big')
  const client = await offender(`${url}/big`)
  client.sendRaw(new Uint8Array(4096))
  const closed = await client.closed
  expect(closed.code).toBe(1009)
  expect(closed.reason).toContain('max frame size')
  await check()
})

test('a message flood over the rate limit closes only its connection', async () => {
  const { url, httpUrl } = await start({ rateLimitPerSec: 20, rateLimitBurst: 30 })
  const { check } = await bystanders(url, 'flood')
  const client = await offender(`${url}/flood`)
  for (let i = 0; i < 200 && client.ws.readyState === 1; i++) client.set(`spam${i}`, i)
  const closed = await client.closed
  expect(closed.code).toBe(4429)
  expect(closed.reason).toContain('rate limit')
  await check()
  expect(metricValue((await httpGet(`${httpUrl}/metrics`)).body, 'sync_connections_closed_total', 'reason="SYNC_ERR_RATE_LIMITED"')).toBe(1)
})

test('connections over the cap are refused with a clear reason', async () => {
  const { url } = await start({ maxConnections: 2 })
  track(await connect(`${url}/cap`))
  track(await connect(`${url}/cap`))
  const third = track(new ProtocolClient(`${url}/cap`))
  const closed = await third.closed
  expect(closed.code).toBe(4503)
  expect(closed.reason).toContain('too many connections')
})

test('tokens: missing, wrong signature, expired and wrong document are denied; valid and prefix tokens work', async () => {
  const secret = 'a-test-secret-of-32-characters!!'
  const { url } = await start({ authSecret: secret })
  const valid = signToken({ doc: 'team/*', expiresAt: Date.now() + 60_000 }, secret)
  const { check } = await bystanders(url, 'team/doc', `?token=${valid}`)
  const cases: Array<[string, string]> = [
    ['', 'no token'],
    [`?token=${signToken({ doc: 'team/doc', expiresAt: Date.now() + 60_000 }, 'another-secret-of-32-characters!')}`, 'signature is wrong'],
    [`?token=${signToken({ doc: 'team/doc', expiresAt: Date.now() - 1 }, secret)}`, 'expired'],
    [`?token=${signToken({ doc: 'other/doc', expiresAt: Date.now() + 60_000 }, secret)}`, 'another document'],
    ['?token=garbage', 'payload.signature']
  ]
  for (const [query, reason] of cases) {
    const client = track(new ProtocolClient(`${url}/team/doc${query}`))
    const closed = await client.closed
    expect(closed.code, query).toBe(4401)
    expect(closed.reason).toContain(reason)
    expect(client.frames.some(f => f.type === 'auth')).toBe(true)
  }
  await check()
})

test('heartbeat terminates a peer that does not answer pings; live peers stay', async () => {
  const { url, httpUrl } = await start({ heartbeatIntervalMs: 100, heartbeatTimeoutMs: 200 })
  const live = track(await connect(`${url}/hb`))
  const dead = track(await connect(`${url}/hb`, { autoPong: false }))
  const closed = await dead.closed
  expect(closed.code).toBe(1006)
  await new Promise(resolve => setTimeout(resolve, 400))
  expect(live.ws.readyState).toBe(1)
  expect(metricValue((await httpGet(`${httpUrl}/metrics`)).body, 'sync_connections_closed_total', 'reason="SYNC_ERR_HEARTBEAT_TIMEOUT"')).toBe(1)
})

test('a slow consumer is closed once too many bytes wait for it', async () => {
  const { url, httpUrl } = await start({ maxBufferedBytes: 2 * 2 ** 20 })
  const { check } = await bystanders(url, 'slow')
  const reader = await offender(`${url}/slow`)
  // Stop reading: the kernel buffers fill, then the server's send buffer grows.
  reader.ws.pause()
  const source = track(await connect(`${url}/slow?ack=1`))
  // Loopback kernel buffers absorb several MiB: send far more than that, paced so
  // that the bystanders in this process, which do read, never fall 2 MiB behind.
  for (let i = 0; i < 600; i++) {
    source.set(`big${i}`, 'x'.repeat(40_000))
    if (i % 10 === 9) await new Promise(resolve => setTimeout(resolve, 10))
  }
  await waitUntil(async () => metricValue((await httpGet(`${httpUrl}/metrics`)).body, 'sync_connections_closed_total', 'reason="SYNC_ERR_SLOW_CONSUMER"') >= 1, 'the slow consumer was closed', 20_000)
  const closedMetrics = (await httpGet(`${httpUrl}/metrics`)).body.split('\n').filter(line => line.startsWith('sync_connections_closed_total'))
  expect(closedMetrics).toEqual(['sync_connections_closed_total{reason="SYNC_ERR_SLOW_CONSUMER"} 1'])
  await waitUntil(() => source.durableCount === source.sent, 'the writer got all acks')
  await check()
})

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

const runCli = async (args: string[], env: Record<string, string> = {}): Promise<{ code: number | null, stderr: string, stdout: string }> => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  let stdout = ''
  child.stderr.on('data', chunk => { stderr += chunk })
  child.stdout.on('data', chunk => { stdout += chunk })
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  try {
    const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
    return { code, stderr, stdout }
  } finally {
    clearTimeout(timer)
  }
}

test('invalid settings stop start-up with exit code 2 and one sentence naming the setting', async () => {
  const cases: Array<{ args: string[], env?: Record<string, string>, mention: string }> = [
    { args: ['--port', '99999', '--data-dir', dir.path], mention: '--port' },
    { args: ['--port', '0'], mention: '--data-dir' },
    { args: ['--port', '0', '--data-dir', dir.path], env: { SYNC_MAX_FRAME_BYTES: 'lots' }, mention: 'SYNC_MAX_FRAME_BYTES' },
    { args: ['--port', '0', '--data-dir', dir.path, '--no-such-flag', '1'], mention: '--no-such-flag' }
  ]
  for (const { args, env, mention } of cases) {
    const result = await runCli(args, env)
    expect(result.code, result.stderr).toBe(2)
    const lines = result.stderr.split('\n').filter(line => line.trim() !== '' && !line.includes('ExperimentalWarning') && !line.includes('--trace-warnings'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(mention)
    expect(result.stdout).toBe('')
  }
})
