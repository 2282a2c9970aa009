import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { test, expect } from '@playwright/test'
import { appendHistory, historyLine, readHistory } from '../../../reporter/history.ts'
import { hostileTitle, syntheticSummary } from './synthetic.ts'

test('each run appends one line; reading returns the last N valid lines oldest first', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'syncstorm-history-'))
  try {
    const file = path.join(dir, 'history.jsonl')
    expect(readHistory(file, 10)).toEqual([])
    const line = historyLine(syntheticSummary())
    expect(line).toMatchObject({ runId: 'run-1', time: '2026-11-23T17:00:00.000Z', gitRevision: 'abc1234', profile: 'smoke' })
    expect(line.tests.find(t => t.project === 'chromium' && t.title.startsWith('baseline'))?.figures.convergenceMs).toBe(120)
    // A "never" figure (the stuck chromium burst) is left out: history lines hold finite numbers only.
    expect(line.tests.find(t => t.project === 'chromium' && t.title === hostileTitle)?.figures).not.toHaveProperty('convergenceMs')
    expect(JSON.stringify(line)).not.toContain('null')
    // The skipped webkit test and the suite error have no headline figures and are left out.
    expect(line.tests.some(t => t.title.startsWith('sessions'))).toBe(false)
    expect(line.tests.some(t => t.project === 'webkit')).toBe(false)
    appendHistory(file, line)
    await fs.appendFile(file, '{"torn": \n')
    appendHistory(file, { ...line, runId: 'run-2' })
    appendHistory(file, { ...line, runId: 'run-3' })
    expect((await fs.readFile(file, 'utf8')).trim().split('\n')).toHaveLength(4)
    expect(readHistory(file, 10).map(l => l.runId)).toEqual(['run-1', 'run-2', 'run-3'])
    expect(readHistory(file, 2).map(l => l.runId)).toEqual(['run-2', 'run-3'])
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
})
