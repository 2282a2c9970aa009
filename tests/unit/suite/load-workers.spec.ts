/**
 * Load workers (fixtures/support/load-workers.ts) outlive no runner: one
 * killed outright or interrupted takes its workers with it; and what crosses
 * the channel is checked. tests/detectors/load-workers.spec.ts runs a small
 * @sessions over them.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { test, expect } from '@playwright/test'
import { fromWorkerSchema, parseMessage } from '../../../fixtures/support/load-worker-messages.ts'
import { alive, stillRunning } from '../../support/processes.ts'

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..')

test('a runner killed outright (SIGKILL) or interrupted (SIGINT) leaves no load worker behind', async () => {
  const script = `import { startLoadWorkers } from ${JSON.stringify(path.join(repoRoot, 'fixtures/support/load-workers.ts'))}
const pool = await startLoadWorkers(2)
console.log(JSON.stringify(pool.pids()))
setInterval(() => {}, 1000)`
  const runOne = async (signal: NodeJS.Signals): Promise<number[]> => {
    const runner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] })
    try {
      const pids = await new Promise<number[]>((resolve, reject) => {
        let out = ''
        runner.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          const line = out.split('\n').find(l => l.startsWith('[') && l.endsWith(']'))
          if (line !== undefined) resolve(JSON.parse(line) as number[])
        })
        runner.once('exit', code => { reject(new Error(`the runner exited (${code}) before its workers were up: ${out}`)) })
      })
      expect(pids.filter(alive)).toHaveLength(2)
      runner.kill(signal)
      return await stillRunning(pids, 5_000)
    } finally {
      runner.kill('SIGKILL')
    }
  }
  const [killed, interrupted] = await Promise.all([runOne('SIGKILL'), runOne('SIGINT')])
  expect(killed, 'load workers still running after their runner was SIGKILLed').toEqual([])
  expect(interrupted, 'load workers still running after their runner got SIGINT').toEqual([])
})

test('a malformed message over the channel is one sentence naming who sent it', () => {
  expect(() => parseMessage(fromWorkerSchema, { type: 'answer', id: -1, outcome: { ok: true } }, 'load worker node-w0')).toThrow(/^load worker node-w0 sent a malformed message \(id: .*\); the runner and its load workers must run the same suite version\.$/)
  expect(parseMessage(fromWorkerSchema, { type: 'ready', pid: 42, rssBytes: 1 }, 'w')).toEqual({ type: 'ready', pid: 42, rssBytes: 1 })
})
