import { test, expectVerdict } from '../../fixtures/index.ts'
import { runOpfsScenario } from '../../fixtures/opfs-scenario.ts'

// A forced GC in the page would land inside timed store calls.
test.use({ heapSampling: false })

test('opfs: OPFS (main thread, worker) against IndexedDB, write / read / list / delete', { tag: '@opfs' }, async ({ swarm, recorder, profile, browserName }, testInfo) => {
  const scenario = profile.scenarios.opfs
  const table = await runOpfsScenario({ swarm, recorder }, scenario, browserName)
  await testInfo.attach(`opfs-${browserName}.txt`, { body: table, contentType: 'text/plain' })
  await test.step('assert: thresholds', async () => { expectVerdict(recorder, scenario.thresholds) })
})
