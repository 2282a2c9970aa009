import { test, expect } from '@playwright/test'
import { checkConvergence, type PartyState } from '../../../oracle/convergence.ts'

const party = (id: string, digest: string, ops: string[]): PartyState => ({ id, digest, opIds: new Set(ops) })

test('converged parties with every acked op pass', () => {
  const verdict = checkConvergence({
    replicas: [party('a', 'd1', ['a:0', 'b:0']), party('b', 'd1', ['a:0', 'b:0'])],
    freshClient: party('fresh-client', 'd1', ['a:0', 'b:0']),
    invoked: new Set(['a:0', 'b:0']),
    acknowledged: new Set(['a:0', 'b:0'])
  })
  expect(verdict.ok).toBe(true)
  expect(verdict.message).toMatch(/^converged: 3 parties/)
})

test('a lost acknowledged op is named with where it is missing', () => {
  const verdict = checkConvergence({
    replicas: [party('a', 'd1', ['a:0']), party('b', 'd1', ['a:0'])],
    freshClient: party('fresh-client', 'd1', ['a:0']),
    invoked: new Set(['a:0', 'b:0']),
    acknowledged: new Set(['a:0', 'b:0'])
  })
  expect(verdict.ok).toBe(false)
  expect(verdict.lost).toEqual([{ opId: 'b:0', missingAt: ['a', 'b', 'fresh-client'] }])
  expect(verdict.message).toContain('b:0 missing at a, b, fresh-client')
})

test('a phantom op that no replica invoked is reported', () => {
  const verdict = checkConvergence({
    replicas: [party('a', 'd1', ['a:0', 'x:9'])],
    freshClient: party('fresh-client', 'd1', ['a:0', 'x:9']),
    invoked: new Set(['a:0']),
    acknowledged: new Set(['a:0'])
  })
  expect(verdict.phantom.map(p => p.opId)).toEqual(['x:9'])
  expect(verdict.message).toContain('phantom')
})

test('a divergent replica is named, with the op ids behind the difference', () => {
  const verdict = checkConvergence({
    replicas: [party('a', 'd1', ['a:0', 'b:0']), party('b', 'd2', ['b:0'])],
    server: party('server', 'd1', ['a:0', 'b:0']),
    freshClient: party('fresh-client', 'd1', ['a:0', 'b:0']),
    invoked: new Set(['a:0', 'b:0']),
    acknowledged: new Set()
  })
  expect(verdict.divergent).toEqual([{ id: 'b', digest: 'd2' }])
  expect(verdict.message).toContain('b lacks 1 op(s) the server has: a:0')
})
