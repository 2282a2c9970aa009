import { test, expect } from '@playwright/test'
import { deepMerge, derive } from '../../../profiles/derive.ts'
import { profiles, resolveProfile } from '../../../profiles/index.ts'
import { profileSchema } from '../../../profiles/schema.ts'
import { roomsSchema } from '../../../scenarios/base.ts'
import { smoke } from '../../../profiles/smoke.ts'
import { assignClasses, buildSchedule, replicaClassesSchema } from '../../../workload/generator.ts'
import { groupByRoom, inBatches, roomCount, roomIndex } from '../../../oracle/rooms.ts'

test('deepMerge merges objects key by key, replaces arrays and scalars, and modifies neither input', () => {
  const base = { a: 1, nested: { b: 2, c: [1, 2, 3] }, list: ['x'] }
  const override = { nested: { c: [9] }, list: ['y', 'z'], extra: true }
  const merged = deepMerge(base, override)
  expect(merged).toEqual({ a: 1, nested: { b: 2, c: [9] }, list: ['y', 'z'], extra: true })
  expect(base).toEqual({ a: 1, nested: { b: 2, c: [1, 2, 3] }, list: ['x'] })
  ;(merged as { nested: { b: number } }).nested.b = 7
  expect(base.nested.b).toBe(2)
})

test('every profile validates, and the bigger ones grow the sessions scenario as the plan says', async () => {
  expect(Object.keys(profiles)).toEqual(['smoke', 'light', 'medium', 'heavy', 'soak'])
  const sessions: Record<string, number> = {}
  for (const name of Object.keys(profiles)) {
    const { profile } = await resolveProfile({ STRESS_PROFILE: name })
    expect(profile.name).toBe(name)
    // A session is one connection (one Node replica), as the k6 plan counts them.
    sessions[name] = profile.scenarios.sessions.swarm.nodeReplicas
  }
  expect(sessions).toEqual({ smoke: 200, light: 1_000, medium: 5_000, heavy: 10_000, soak: 1_000 })
  const heavy = (await resolveProfile({ STRESS_PROFILE: 'heavy' })).profile
  const smokeProfile = (await resolveProfile({ STRESS_PROFILE: 'smoke' })).profile
  expect(heavy.scenarios.sessions.durationMs).toBe(300_000)
  expect(heavy.scenarios.sessions.thresholds.nodePropagationMs.map(t => t.source)).toEqual(['p(95)<100', 'p(99)<250'])
  // Values a bigger profile does not set are smoke's.
  expect(heavy.scenarios.crash).toEqual(smokeProfile.scenarios.crash)
  expect(heavy.scenarios.baseline.thresholds).toEqual(smokeProfile.scenarios.baseline.thresholds)
})

test('a derived profile keeps every value of its base it does not override, as data', () => {
  const derived = derive(smoke, { name: 'bigger', description: 'test', scenarios: { baseline: { durationMs: 99_000 } } })
  expect(derived.scenarios.baseline.durationMs).toBe(99_000)
  expect(derived.scenarios.baseline.swarm).toEqual(smoke.scenarios.baseline.swarm)
  expect(derived.scenarios.conflict).toEqual(smoke.scenarios.conflict)
  expect(profileSchema.safeParse(derived).success).toBe(true)
})

test('overrides apply to any profile, and a bad value is one sentence naming the variable', async () => {
  const light = (await resolveProfile({ STRESS_PROFILE: 'light', STRESS_SESSIONS: '50', STRESS_DURATION_MS: '4000', STRESS_HEAP_SAMPLING: 'off' })).profile
  expect(light.scenarios.sessions.swarm.nodeReplicas).toBe(50)
  expect(light.scenarios.sessions.durationMs).toBe(4_000)
  expect(light.scenarios.flood.durationMs).toBe(4_000)
  // A fault keeps its place in a shorter workload: drop's reset at 2.5 s of 6 s moves to 1.67 s of 4 s.
  expect(light.scenarios.drop.faultAtMs).toBe(1_666)
  expect(light.heap.sampling).toBe('off')
  // Scenarios without a rate or a duration are left alone.
  expect(light.scenarios.coldsync).not.toHaveProperty('durationMs')
  await expect(resolveProfile({ STRESS_PROFILE: 'light', STRESS_SESSIONS: 'many' })).rejects.toThrow(/^STRESS_SESSIONS=many is invalid: .*Fix or unset it\.$/)
  await expect(resolveProfile({ STRESS_SESSIONS: '0' })).rejects.toThrow(/^STRESS_SESSIONS=0 is invalid: /)
  await expect(resolveProfile({ STRESS_PROFILE: 'heavy', STRESS_NODE_REPLICAS: '-3' })).rejects.toThrow(/^STRESS_NODE_REPLICAS=-3 is invalid: /)
  await expect(resolveProfile({ STRESS_PROFILE: 'Heavy' })).rejects.toThrow('STRESS_PROFILE=Heavy is not a profile: use one of smoke, light, medium, heavy, soak, or a path to your own profile module such as ./my-profile.ts.')
})

test('STRESS_ROOM_SIZE puts the ramp in rooms of that many replicas, and a bad size is one sentence', async () => {
  expect((await resolveProfile({})).profile.scenarios.ramp.rooms).toBeUndefined()
  const { profile } = await resolveProfile({ STRESS_PROFILE: 'light', STRESS_ROOM_SIZE: '10' })
  expect(profile.scenarios.ramp.rooms).toEqual({ perRoom: 10, spread: 'round-robin' })
  expect(profile.scenarios.conflict.rooms).toBeUndefined()
  await expect(resolveProfile({ STRESS_ROOM_SIZE: '0' })).rejects.toThrow(/^STRESS_ROOM_SIZE=0 is invalid: .*Fix or unset it\.$/)
  await expect(resolveProfile({ STRESS_ROOM_SIZE: 'ten' })).rejects.toThrow(/^STRESS_ROOM_SIZE=ten is invalid: /)
})

test('rooms and replica classes are validated with one clear message', () => {
  expect(roomsSchema.safeParse({ count: 2, perRoom: 2 }).error?.issues[0].message).toBe('rooms needs exactly one of count or perRoom')
  expect(roomsSchema.parse({ perRoom: 2 }).spread).toBe('round-robin')
  const bad = replicaClassesSchema.safeParse([{ name: 'a', share: 0.5, ratePerReplica: 1 }, { name: 'b', share: 0.4, ratePerReplica: 1 }])
  expect(bad.error?.issues[0].message).toBe('the shares of the replica classes must add up to 1')
})

test('rooms: round-robin deals, fill fills, and grouping keeps first-seen order', () => {
  expect(Array.from({ length: 6 }, (_, i) => roomIndex(i, 6, { count: 3, spread: 'round-robin' }))).toEqual([0, 1, 2, 0, 1, 2])
  expect(Array.from({ length: 6 }, (_, i) => roomIndex(i, 6, { perRoom: 2, spread: 'fill' }))).toEqual([0, 0, 1, 1, 2, 2])
  expect(Array.from({ length: 5 }, (_, i) => roomIndex(i, 5, { perRoom: 2, spread: 'fill' }))).toEqual([0, 0, 1, 1, 2])
  expect(roomCount(20_000, { perRoom: 2, spread: 'fill' })).toBe(10_000)
  const groups = groupByRoom([{ id: 'a', room: 'r1' }, { id: 'b', room: 'main' }, { id: 'c', room: 'r1' }], r => r.room)
  expect([...groups].map(([room, rs]) => [room, rs.map(r => r.id)])).toEqual([['r1', ['a', 'c']], ['main', ['b']]])
})

test('replica classes: shares, own rates and batches; without classes the schedule is unchanged', () => {
  const classes = replicaClassesSchema.parse([
    { name: 'light', share: 0.4, ratePerReplica: 0.5 },
    { name: 'active', share: 0.5, ratePerReplica: 2 },
    { name: 'power', share: 0.1, ratePerReplica: 10, batchSize: 5 }
  ])
  expect(assignClasses(10, classes).map(c => c.name)).toEqual(['light', 'light', 'light', 'light', 'active', 'active', 'active', 'active', 'active', 'power'])
  const ids = Array.from({ length: 10 }, (_, i) => `r${i}`)
  const schedule = buildSchedule({ seed: 1, ratePerReplica: 1, durationMs: 60_000, classes }, ids, 0)
  const count = (id: string): number => schedule.ops.filter(o => o.replicaId === id).length
  expect(count('r0')).toBeGreaterThan(10)
  expect(count('r0')).toBeLessThan(60)
  expect(count('r9')).toBeGreaterThan(400)
  const powerTimes = schedule.ops.filter(o => o.replicaId === 'r9').map(o => o.atMs)
  expect(new Set(powerTimes).size * 5).toBe(powerTimes.length)
  // The plan without classes gives exactly the schedule it gave before classes existed.
  expect(buildSchedule({ seed: 1, ratePerReplica: 1, durationMs: 5_000 }, ids, 0)).toEqual(buildSchedule({ seed: 1, ratePerReplica: 1, durationMs: 5_000 }, ids, 0, new Map(), new Map(ids.map(id => [id, 'one']))))
})

test('rooms in the schedule: shared todos are created per room by its first replica', () => {
  const roomOf = new Map([['a', 'r1'], ['b', 'r1'], ['c', 'r2'], ['d', 'r2']])
  const schedule = buildSchedule({ seed: 3, ratePerReplica: 2, durationMs: 2_000, sharedTodos: 2 }, ['a', 'b', 'c', 'd'], 0, new Map(), roomOf)
  const creators = schedule.ops.filter(o => o.atMs === 0 && o.op.todoId.startsWith('shared-')).map(o => `${o.replicaId}:${o.op.todoId}`)
  expect(creators.sort()).toEqual(['a:shared-0', 'a:shared-1', 'c:shared-0', 'c:shared-1'])
  const ids = schedule.ops.map(o => o.op.opId)
  expect(new Set(ids).size).toBe(ids.length)
})

test('inBatches runs at most `limit` at a time and keeps the order of results', async () => {
  let running = 0
  let peak = 0
  const results = await inBatches(Array.from({ length: 20 }, (_, i) => i), 3, async i => {
    running++
    peak = Math.max(peak, running)
    await new Promise(resolve => setTimeout(resolve, 2))
    running--
    return i * 2
  })
  expect(peak).toBe(3)
  expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2))
})
