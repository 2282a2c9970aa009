/**
 * reports/history.jsonl: one line per run with its headline figures per test
 * × project (finite numbers: a "never" is left out, so lines stay at
 * version 1), so the dashboard can draw trends across runs. Appending is the
 * only write; a line that does not parse (a torn write, an older format) is
 * skipped when reading, never fatal.
 *
 * @module reporter/history
 */
import fs from 'node:fs'
import { z } from 'zod'
import { headlineTestSchema, headlineTests } from './baseline.ts'
import type { Summary } from './summary.ts'

export const historyLineSchema = z.object({
  version: z.literal(1),
  runId: z.string(),
  /** ISO start time of the run. */
  time: z.string(),
  gitRevision: z.string().nullable(),
  profile: z.string(),
  /** The stack: client and target (absent in lines of older runs). */
  client: z.string().optional(),
  target: z.string().optional(),
  tests: z.array(headlineTestSchema)
})
export type HistoryLine = z.infer<typeof historyLineSchema>

/** @return {HistoryLine} the history line of `summary` */
export const historyLine = (summary: Summary): HistoryLine => ({
  version: 1,
  runId: summary.run.id,
  time: summary.run.startedAt,
  gitRevision: summary.run.gitRevision,
  profile: summary.run.profile,
  client: summary.run.client,
  target: summary.run.target,
  tests: headlineTests(summary)
})

/** Appends one JSON line to `file`, creating it when missing. */
export const appendHistory = (file: string, line: HistoryLine): void => {
  fs.appendFileSync(file, `${JSON.stringify(line)}\n`)
}

/**
 * @param {string} file path of history.jsonl
 * @param {number} limit how many of the last runs to return
 * @return {HistoryLine[]} the last `limit` valid lines, oldest first; [] when the file is missing
 */
export const readHistory = (file: string, limit: number): HistoryLine[] => {
  if (!fs.existsSync(file)) return []
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  const out: HistoryLine[] = []
  for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
    const text = lines[i]?.trim() ?? ''
    if (text === '') continue
    let raw: unknown
    try { raw = JSON.parse(text) } catch { continue }
    const parsed = historyLineSchema.safeParse(raw)
    if (parsed.success) out.push(parsed.data)
  }
  return out.reverse()
}
