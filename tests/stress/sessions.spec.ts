import { test, expectVerdict, run } from '../../fixtures/index.ts'
import { runSessionsScenario } from '../../fixtures/sessions-scenario.ts'
import { targetSpecFromEnv } from '../../fixtures/target-spec.ts'

const sized = run.profile.scenarios.sessions
const replicas = sized.swarm.nodeReplicas + (sized.browserSwarm === undefined ? 0 : sized.browserSwarm.contexts * sized.browserSwarm.pagesPerContext * sized.browserSwarm.replicasPerPage)

// The reference server's defaults (10,000 connections, 1,000 loaded documents) are below a sessions run: raise them for it.
// Another target keeps its own limits, and a run past them shows as connection errors.
// No periodic heap sampling: its forced GCs on the server and in every page would pause them mid-measurement.
// The scenario reads the server's heap after a GC at the start and end of the hold instead.
test.use({
  heapSampling: false,
  targetSpec: async ({}, use) => {
    const spec = targetSpecFromEnv()
    await use(spec.kind !== 'reference' ? spec : {
      ...spec,
      env: { SYNC_MAX_CONNECTIONS: String(replicas + 1_000), SYNC_MAX_LOADED_DOCS: String(replicas + 1_000), ...spec.env }
    })
  }
})

test('sessions: thousands of two-participant sessions of Node replicas while browser sessions measure delivery', { tag: '@sessions' }, async ({ swarm, workload, oracle, recorder, profile, target }) => {
  const scenario = profile.scenarios.sessions
  // Connecting, the hold and the check scale with the profile: 10 min is not enough for `heavy`.
  test.setTimeout(5 * 60_000 + scenario.durationMs + 2 * profile.convergenceDeadlineMs + profile.ackDeadlineMs + scenario.swarm.nodeReplicas * 20)
  await runSessionsScenario({ swarm, workload, oracle, recorder, profile, target }, scenario)
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, scenario.thresholds) })
})
