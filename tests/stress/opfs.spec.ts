import { test } from '../../fixtures/index.ts'
import { benchPage, judgeBench, measureSize, type SizeMeasurement } from '../../scenarios/opfs.ts'

// Nothing samples the page while its stores are timed.
test.use({ heapSampling: 'off' })

test('opfs: OPFS (main thread, worker) against IndexedDB, write / read / list / delete', { tag: '@opfs' }, async ({ profile, client, swarm, recorder, browserName }, testInfo) => {
  const settings = profile.scenarios.opfs
  // The client's own store joins the suite's layouts when its adapter exports openBenchStore.
  const plan = client.benchStore && !settings.storeBench.stores.includes('sdk') ? { ...settings.storeBench, stores: [...settings.storeBench.stores, 'sdk' as const] } : settings.storeBench
  const host = await test.step('arrange: one harness page, with nothing else running in it', async () => await benchPage(swarm))
  const results: SizeMeasurement[] = []
  for (const size of plan.sizes) {
    results.push(await test.step(`measure: ${size.items} items, one sample per ${size.sample === 'batch' ? 'batch call' : 'single-item call'}, ${size.rounds} round(s)`, async () =>
      await measureSize(recorder, host, plan, size, browserName)))
  }
  await test.step('assert: enough samples, no store failed, and thresholds', async () => {
    await testInfo.attach(`opfs-${browserName}.txt`, { body: judgeBench(recorder, plan, results, browserName), contentType: 'text/plain' })
    recorder.expectVerdict(settings.thresholds)
  })
})
