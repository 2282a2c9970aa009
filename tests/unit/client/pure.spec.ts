import { test, expect } from '@playwright/test'
import { backoffDelayMs } from '../../../client/backoff.ts'
import { AckTracker } from '../../../client/ack-tracker.ts'
import { replicaUrl } from '../../../client/sync-client.ts'
import { connectOptionsSchema } from '../../../client/harness/api.ts'

test('full jitter draws from [0, min(max, initial * 2^attempt))', () => {
  const options = { initialMs: 100, maxMs: 1_000, jitter: 'full' as const }
  expect(backoffDelayMs(0, options, () => 0.5)).toBe(50)
  expect(backoffDelayMs(3, options, () => 0.5)).toBe(400)
  expect(backoffDelayMs(10, options, () => 0.999)).toBeCloseTo(999)
  expect(backoffDelayMs(10_000, options, () => 0)).toBe(0)
})

test('no jitter gives the capped exponential delay whatever the random source', () => {
  const options = { initialMs: 100, maxMs: 1_000, jitter: 'none' as const }
  expect(backoffDelayMs(0, options, () => 0.1)).toBe(100)
  expect(backoffDelayMs(2, options, () => 0.9)).toBe(400)
  expect(backoffDelayMs(50, options)).toBe(1_000)
})

test('acks acknowledge the ops carried by messages 1..n, and unacked ops move to the next connection', () => {
  const tracker = new AckTracker()
  tracker.invoke('a:1')
  tracker.invoke('a:2')
  expect(tracker.carryUnsent()).toBe(1) // step2 carries both
  tracker.invoke('a:3')
  expect(tracker.carry(['a:3'])).toBe(2)
  expect(tracker.pending).toBe(3)
  expect(tracker.ack(0)).toEqual([])
  expect(tracker.ack(1).sort()).toEqual(['a:1', 'a:2'])
  expect(tracker.ack(1)).toEqual([]) // cumulative: a repeat acks nothing new
  tracker.connectionEnded()
  expect(tracker.pending).toBe(1)
  expect(tracker.carryUnsent()).toBe(1) // ordinals restart per connection
  expect(tracker.ack(5)).toEqual(['a:3']) // beyond what was sent: clamped
  expect(tracker.pending).toBe(0)
})

test('the document name is the URL path, with ack and token in the query', () => {
  const options = connectOptionsSchema.parse({ replicaId: 'r1', url: 'ws://127.0.0.1:1234/', docName: 'a b/c', token: 't&1' })
  expect(replicaUrl(options)).toBe(`ws://127.0.0.1:1234/a%20b%2Fc?ack=1&clientId=${options.replicaId}&token=t%261`)
  expect(replicaUrl({ ...options, ack: false, token: undefined })).toBe(`ws://127.0.0.1:1234/a%20b%2Fc?clientId=${options.replicaId}`)
})
