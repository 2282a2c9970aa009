/**
 * The adapter seam under the oracle: the example LWW stack (its adapter in
 * Chromium pages and Node, its JSON relay as the target) converges and passes;
 * its broken variant, which applies remote deletes only after a reload, must
 * be reported as divergent, naming the replicas. The official provider
 * (y-websocket adapter) passes against the reference server and, with
 * BroadcastChannel off, exposes a server that drops updates.
 */
import { test, expect } from '../../fixtures/index.ts'
import { conflictSettings } from '../../scenarios/conflict.ts'
import { converge, smallRun } from './support/small-run.ts'
import { thresholdsSchema } from '../../profiles/thresholds.ts'

const relay = { kind: 'command' as const, command: 'node --import tsx examples/lww-todo/server.ts --port {port} --data-dir {dataDir}', label: 'lww-todo relay' }

/** Few shared todos, so that deletes hit todos other replicas hold. */
const shared = conflictSettings.parse({ ...smallRun, sharedTodos: 5, mix: { create: 40, update: 30, delete: 15, read: 15 } })

test.describe('the example LWW adapter, given by path as a team gives its own', () => {
  // A path, not the shipped name: its harness page is bundled on the fly.
  test.use({ targetSpec: relay, clientSpec: 'examples/lww-todo/adapter.ts' })
  test('the oracle passes the example stack, with acks', async ({ swarm, workload, oracle, recorder, client }) => {
    expect(client.name).toBe('example-lww')
    const result = await converge({ swarm, workload, oracle }, shared)
    expect(result.verdict.message).toMatch(/^converged/)
    expect(result.ok).toBe(true)
    expect(result.history.ackMode).toBe('ack')
    expect(result.history.writes).toBeGreaterThan(10)
    expect(recorder.metrics.client).toBe('example-lww')
  })
})

test.describe('the broken example adapter (remote deletes only after a reload)', () => {
  test.use({ targetSpec: relay, clientSpec: 'example-lww-broken' })
  test('the oracle reports the divergence it causes', async ({ swarm, workload, oracle }) => {
    const { replicas } = await swarm.spawn(shared)
    await workload.run(replicas, { ...shared, durationMs: 1_000 })
    await test.step('a todo every replica holds is deleted by one of them', async () => {
      // Whatever the seeded mix did, the run now ends on a remote delete, so the bug cannot hide behind a later write.
      const [author] = replicas
      await author!.host.call('apply', author!.id, [{ kind: 'create', opId: `${author!.id}:900001`, todoId: 'probe', title: 'probe' }])
      await oracle.check({ replicas, deadlineMs: 5_000 })
      await author!.host.call('apply', author!.id, [{ kind: 'delete', opId: `${author!.id}:900002`, todoId: 'probe' }])
    })
    const result = await oracle.check({ replicas, deadlineMs: 5_000 })
    expect(result.ok, 'the oracle passed a client that ignores remote deletes').toBe(false)
    expect(result.verdict.divergent.length).toBeGreaterThan(0)
    // The message names the replicas that still hold the deleted todo.
    expect(result.verdict.message).toMatch(/differ from the server's state.*(chromium|node)-/)
    await test.info().attach('oracle-message.txt', { body: result.verdict.message })
  })
})

const faultyRelay = (fault: string) => ({ kind: 'command' as const, command: `node --import tsx tests/detectors/targets/faulty-relay.ts --port {port} --fault ${fault}`, label: `faulty-relay ${fault}` })

test.describe('the y-websocket adapter', () => {
  test.use({ clientSpec: 'y-websocket' })
  test('the oracle passes the official provider against the reference server, acks not measurable with the client\'s reason', async ({ swarm, workload, oracle, recorder }) => {
    const result = await converge({ swarm, workload, oracle }, shared)
    expect(result.verdict.message).toMatch(/^converged/)
    expect(result.history.ackMode).toBe('no-ack')
    expect(recorder.metrics.notMeasurable.ackMs).toEqual({ capability: 'acks', reason: 'client y-websocket has no durable-write acks (its adapter declares capabilities.acks false)' })
    // An ack threshold on a stack without acks is neither passed nor failed: not measurable, with the reason.
    expect(recorder.judge(thresholdsSchema.parse({ lostOps: ['value==0'], ackMs: ['p(95)<1000'] })).verdict).toBe('not-measurable')
  })
})

test.describe('the y-websocket adapter against a server that drops updates', () => {
  test.use({ clientSpec: 'y-websocket', targetSpec: faultyRelay('drop-updates:7') })
  test('the oracle reports the loss: no BroadcastChannel hides it', async ({ swarm, workload, oracle }) => {
    const result = await converge({ swarm, workload, oracle }, shared, {}, { deadlineMs: 5_000 })
    expect(result.ok, 'the oracle passed a server that drops updates').toBe(false)
    // Depending on timing the dropped updates show as a stuck quiesce, a lost write or a final divergence: all are failures.
    expect(result.verdict.message).toMatch(/stuck|op\(s\) the server does not|differ|lost/)
  })
})
