import net from 'node:net'
import { test, expect } from '@playwright/test'
import { InspectorSession, inspectorUrlOf } from '../../../fixtures/support/inspector.ts'
import { TargetProcess, freePort } from '../../../fixtures/support/target-process.ts'

test('inspectorUrlOf finds the last loopback inspector URL a Node process printed', () => {
  const first = 'Debugger listening on ws://127.0.0.1:9229/6b2b1c6e-1d7a-4a7e-9b0a-1f1e2d3c4b5a\nFor help, see: https://nodejs.org/en/docs/inspector\n'
  const second = 'Debugger listening on ws://127.0.0.1:40123/0f0e0d0c-0b0a-0908-0706-050403020100\n'
  expect(inspectorUrlOf(first)).toBe('ws://127.0.0.1:9229/6b2b1c6e-1d7a-4a7e-9b0a-1f1e2d3c4b5a')
  expect(inspectorUrlOf(first + 'restarted\n' + second)).toBe('ws://127.0.0.1:40123/0f0e0d0c-0b0a-0908-0706-050403020100')
  expect(inspectorUrlOf('Debugger listening on ws://10.0.0.2:9229/abc')).toBeUndefined()
  expect(inspectorUrlOf('listening on 127.0.0.1:1234')).toBeUndefined()
})

test('a Node target started with --inspect=0 gives its heap after GC over the inspector, and it grows with what it keeps', async () => {
  const port = await freePort()
  // Keeps 8 MiB of Buffers (external memory) and 1e5 small objects (V8 heap) after its first connection.
  const script = `const kept = []; require('node:net').createServer(s => { for (let i = 0; i < 128; i++) kept.push(Buffer.alloc(65536, 1)); for (let i = 0; i < 1e5; i++) kept.push({ i }); s.end() }).listen(${port}, '127.0.0.1')`
  const target = new TargetProcess(`node --inspect=0 -e "${script}"`, port, {})
  let session: InspectorSession | undefined
  try {
    await target.start()
    const url = target.inspectorUrl()
    expect(url, target.output()).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//)
    session = await InspectorSession.open(url!)
    const before = await session.heapAfterGc()
    await new Promise<void>(resolve => { net.connect(port, '127.0.0.1').on('close', () => resolve()).resume() })
    const after = await session.heapAfterGc()
    expect(after - before).toBeGreaterThan(8 * 2 ** 20)
  } finally {
    await session?.close()
    await target.stop()
  }
  expect(session!.open).toBe(false)
})
