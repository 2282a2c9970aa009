import { test, expect } from '@playwright/test'
import { capacityProblem, type CapacityPlan } from '../../../metrics/capacity.ts'
import { sessionsCapacityPlan, loadWorkersOf, type SessionsSettings } from '../../../scenarios/sessions.ts'
import { resolveProfile } from '../../../profiles/index.ts'

const gib = 2 ** 30
const plan = (sockets: Partial<CapacityPlan['sockets']>, memoryBytes: CapacityPlan['memoryBytes'] = { generator: gib }): CapacityPlan =>
  ({ label: '@sessions (test)', sockets: { runner: 1_000, loadWorker: 5_000, server: 10_100, ...sockets }, memoryBytes })
const pointsOnward = /STRESS_BROWSER_ENDPOINTS, README "Large swarms over several hosts"\) or shard the run \(README "Sharding across CI machines"\)\.$/

test('a plan that fits this machine runs', () => {
  expect(capacityProblem(plan({}), { openFileLimit: 20_000, availableBytes: 4 * gib })).toBeUndefined()
  // A limit the machine cannot tell is not a limit.
  expect(capacityProblem(plan({ server: 1e6 }, { generator: 1e15 }), {})).toBeUndefined()
})

test('too many sockets in one process: one sentence naming the process, ulimit -n and where to go', () => {
  const server = capacityProblem(plan({ server: 25_000 }), { openFileLimit: 20_000, availableBytes: 4 * gib })
  expect(server).toMatch(/^@sessions \(test\) needs 25,000 sockets in the server but the open-file limit \(ulimit -n\) is 20,000: this machine's file descriptors are the limit; raise ulimit -n above 25,200, lower STRESS_SESSIONS, or /)
  expect(server).toMatch(pointsOnward)
  expect(capacityProblem(plan({ loadWorker: 9_000, server: 100 }), { openFileLimit: 8_192 })).toContain('9,000 sockets in each load worker')
  expect(capacityProblem(plan({ runner: 11_000, server: 100 }), { openFileLimit: 10_000 })).toContain('11,000 sockets in the runner')
})

test('more memory than is available: one sentence with the parts, the total and where to go', () => {
  const problem = capacityProblem(plan({}, { generator: 2 * gib, server: gib, browsers: 0 }), { openFileLimit: 20_000, availableBytes: 2.5 * gib })
  expect(problem).toMatch(/^@sessions \(test\) needs about 3\.0 GiB of memory \(generator 2\.0 GiB, server 1\.0 GiB\) but this machine has 2\.5 GiB available: its memory is the limit; lower STRESS_SESSIONS or /)
  expect(problem).toMatch(pointsOnward)
})

const heavySessions = async (): Promise<SessionsSettings> => (await resolveProfile({ STRESS_PROFILE: 'heavy' })).profile.scenarios.sessions

test('heavy @sessions plans 10,000 sessions in two load workers of 5,000 sockets', async () => {
  const settings = await heavySessions()
  expect(settings.swarm.nodeReplicas).toBe(10_000)
  expect(loadWorkersOf(settings)).toBe(2)
  const heavyPlan = sessionsCapacityPlan(settings, '@sessions (heavy)')
  expect(heavyPlan.sockets.loadWorker).toBe(5_000)
  expect(heavyPlan.sockets.server).toBeGreaterThan(10_000)
  // This project's host: ulimit -n 20,000 holds it; the default 1,024 of many shells does not, and says so.
  expect(capacityProblem(heavyPlan, { openFileLimit: 20_000 })).toBeUndefined()
  expect(capacityProblem(heavyPlan, { openFileLimit: 1_024 })).toMatch(/sockets in the server but the open-file limit \(ulimit -n\) is 1,024/)
  // Without load workers the runner would hold every socket.
  const inRunner = sessionsCapacityPlan({ ...settings, loadWorkers: 0 }, 'x')
  expect(inRunner.sockets.runner).toBeGreaterThan(10_000)
})

test('heavy @sessions on a machine with too little memory names memory', async () => {
  const heavyPlan = sessionsCapacityPlan(await heavySessions(), '@sessions (heavy)')
  expect(capacityProblem(heavyPlan, { openFileLimit: 20_000, availableBytes: 0.5 * gib })).toMatch(/^@sessions \(heavy\) needs about .* GiB of memory \(generator .*, server .*, browsers .*\) but this machine has 0\.5 GiB available: its memory is the limit; /)
})
