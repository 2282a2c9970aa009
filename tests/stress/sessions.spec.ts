import { test, run } from '../../fixtures/index.ts'
import { targetSpecFromEnv } from '../../fixtures/support/target-spec.ts'
import { checkCapacity, connectSessions, endSessions, holdSessions, recordSessions, sampleServerAround, workerFigures } from '../../scenarios/sessions.ts'

const sized = run.profile.scenarios.sessions
const replicas = sized.swarm.nodeReplicas + (sized.browserSwarm === undefined ? 0 : sized.browserSwarm.contexts * sized.browserSwarm.pagesPerContext * sized.browserSwarm.replicasPerPage)

// The reference server's defaults (10,000 connections, 1,000 loaded documents) are below a sessions run: raise them for it.
// Another target keeps its own limits, and a run past them shows as connection errors.
test.use({
  targetSpec: async ({}, use) => {
    const spec = targetSpecFromEnv()
    await use(spec.kind !== 'reference' ? spec : {
      ...spec,
      env: { SYNC_MAX_CONNECTIONS: String(replicas + 1_000), SYNC_MAX_LOADED_DOCS: String(replicas + 1_000), ...spec.env }
    })
  }
})

test('sessions: thousands of Node sessions (one connection each, two per room) in load workers while browser sessions measure delivery', { tag: '@sessions' }, async ({ profile, swarm, workload, oracle, recorder, target, seed }) => {
  const settings = profile.scenarios.sessions
  // Connecting, the hold and the check scale with the profile: 10 min is not enough for `heavy`.
  test.setTimeout(5 * 60_000 + settings.durationMs + 2 * profile.convergenceDeadlineMs + profile.ackDeadlineMs + settings.swarm.nodeReplicas * 20)
  const live = await test.step(`arrange: ${settings.swarm.nodeReplicas} Node sessions, ${settings.connectBatch} at a time, then the browser sessions`, async () => {
    checkCapacity(settings, profile.name)
    return await connectSessions({ swarm, recorder, target }, settings, profile.convergenceDeadlineMs)
  })
  const { before, after } = await test.step(`workload: ${live.length} replicas write for ${settings.durationMs} ms; the server is sampled before and after`, async () =>
    await sampleServerAround(target, async () => await holdSessions({ swarm, recorder, target, profile }, async () => await workload.run(live, settings))))
  const result = await test.step('quiesce: check every session against the server', async () => await oracle.check({ replicas: live }))
  // Taken before the sessions end: a worker's delivery is that of the replicas it still holds.
  const workers = await workerFigures(swarm)
  await test.step('assess: the Node sessions end in waves; the server\'s memory per closed connection', async () => {
    await endSessions({ swarm, recorder, target, profile }, live.filter(replica => replica.host.kind === 'node'), seed)
  })
  await test.step('assert: delivery per kind of replica, op errors, server leak, and thresholds', async () => {
    recordSessions(recorder, live, result, before, after, workers)
    recorder.expectVerdict(settings.thresholds)
  })
})
