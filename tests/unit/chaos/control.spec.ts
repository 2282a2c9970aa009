/**
 * The HTTP control API (in-process and through `chaos/main.ts`), including
 * one-sentence errors and the loopback-only rule.
 */
import { test, expect } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { startControlServer } from '../../../chaos/control.ts'
import { openClient, RecordingClient, sleep, startEchoServer, startProxiedEcho, Teardown, waitUntil } from './helpers.ts'

const teardown = new Teardown()
test.afterEach(() => teardown.run())

const request = async (port: number, method: string, path: string, body?: unknown): Promise<{ status: number, body: unknown }> => {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body))
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? null : JSON.parse(text) }
}

/** One sentence: starts with a capital, ends with the only sentence-ending full stop. */
const oneSentence = /^[A-Z][^\n]*\.$/

test('the control API adds, lists and removes toxics, and answers bad specs with one sentence', async () => {
  const { proxy, port } = await startProxiedEcho(teardown)
  const { server, port: controlPort } = await startControlServer(proxy)
  teardown.add(() => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) }))

  const added = await request(controlPort, 'POST', '/toxics', { type: 'latency', stream: 'upstream', attributes: { latencyMs: 50 }, clients: ['a'] })
  expect(added.status).toBe(201)
  expect(added.body).toEqual({ name: 'latency_upstream', type: 'latency', stream: 'upstream', toxicity: 1, clients: ['a'], attributes: { latencyMs: 50, jitterMs: 0 } })
  expect((await request(controlPort, 'GET', '/toxics')).body).toEqual([added.body])

  const duplicate = await request(controlPort, 'POST', '/toxics', { type: 'latency', stream: 'upstream', attributes: { latencyMs: 5 } })
  expect(duplicate.status).toBe(409)

  const bad = await request(controlPort, 'POST', '/toxics', { type: 'latency', attributes: { latency: 50 } })
  expect(bad.status).toBe(400)
  const error = (bad.body as { error: string }).error
  expect(error).toMatch(oneSentence)
  expect(error).toContain('attributes')

  const unknownType = await request(controlPort, 'POST', '/toxics', { type: 'teleport', attributes: {} })
  expect(unknownType.status).toBe(400)
  expect((unknownType.body as { error: string }).error).toMatch(oneSentence)

  const notJson = await request(controlPort, 'POST', '/toxics', '{nope')
  expect(notJson).toEqual({ status: 400, body: { error: 'The request body is not valid JSON; send a JSON object.' } })

  await openClient(teardown, port, 'a')
  const connections = await request(controlPort, 'GET', '/connections')
  expect(connections.body).toMatchObject([{ clientId: 'a', remoteAddress: '127.0.0.1' }])

  expect((await request(controlPort, 'POST', '/down', { down: 'yes' })).status).toBe(400)
  expect((await request(controlPort, 'POST', '/reset', { clients: ['a'] })).body).toEqual({ connections: 1 })
  await waitUntil(() => proxy.connections().length === 0, 'the reset connection to go')

  expect((await request(controlPort, 'DELETE', '/toxics/latency_upstream')).status).toBe(204)
  const missing = await request(controlPort, 'DELETE', '/toxics/latency_upstream')
  expect(missing.status).toBe(404)
  expect((missing.body as { error: string }).error).toMatch(oneSentence)
  expect((await request(controlPort, 'GET', '/toxics')).body).toEqual([])
  expect(((await request(controlPort, 'GET', '/timeline')).body as Array<{ event: string }>).map(e => e.event))
    .toEqual(['toxic_added', 'reset', 'toxic_removed'])
})

/** Runs chaos/main.ts; killed in teardown. */
const runMain = (args: string[]): { child: ChildProcess, stderr: () => string } => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'chaos/main.ts', ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] })
  teardown.add(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let stderr = ''
  child.stderr?.on('data', (data: Buffer) => { stderr += data.toString() })
  return { child, stderr: () => stderr }
}

test('main.ts refuses a non-loopback upstream with one sentence', async () => {
  const { child, stderr } = runMain(['--listen', '127.0.0.1:0', '--upstream', '10.1.2.3:4000', '--control', '127.0.0.1:0'])
  const [code] = await once(child, 'exit')
  expect(code).toBe(2)
  expect(stderr().trim()).toMatch(oneSentence)
  expect(stderr()).toContain('The --upstream address 10.1.2.3:4000 is not a loopback address')
})

test('main.ts prints its ports, proxies traffic, is driven over HTTP and stops on SIGTERM', async () => {
  const echo = await startEchoServer()
  teardown.add(() => echo.close())
  const { child } = runMain(['--listen', '127.0.0.1:0', '--upstream', `127.0.0.1:${echo.port}`, '--control', '127.0.0.1:0'])
  const lines = createInterface({ input: child.stdout! })
  const [first] = await once(lines, 'line') as [string]
  const listening = JSON.parse(first) as { event: string, port: number, controlPort: number }
  expect(listening).toMatchObject({ event: 'listening' })
  expect(listening.port).toBeGreaterThan(0)

  const added = await request(listening.controlPort, 'POST', '/toxics', { type: 'blackhole' })
  expect(added.status).toBe(201)
  const client = await RecordingClient.connect(listening.port)
  teardown.add(() => client.destroy())
  client.socket.write('GET /?clientId=z HTTP/1.1\r\n')
  let connections: unknown = []
  for (let i = 0; i < 100 && JSON.stringify(connections).indexOf('"z"') < 0; i++) {
    connections = (await request(listening.controlPort, 'GET', '/connections')).body
    await sleep(20)
  }
  expect(connections).toMatchObject([{ clientId: 'z', bytesUp: 27, bytesDown: 0 }])
  expect(echo.sockets.size).toBe(1)

  child.kill('SIGTERM')
  const [code] = await once(child, 'exit')
  expect(code).toBe(0)
})
