import { test } from '../../fixtures/index.ts'
import { loadFresh, preload } from '../../scenarios/coldsync.ts'

test('cold sync: fresh replicas load a large preloaded document', { tag: '@coldsync' }, async ({ profile, swarm, oracle, recorder }) => {
  const settings = profile.scenarios.coldsync
  const loaded = await test.step(`arrange: preload ${settings.preloadItems} todos; the target must hold all of them`, async () => await preload(swarm, recorder, settings))
  const replicas = await test.step('workload: fresh replicas join and load it', async () => await loadFresh({ swarm, recorder }, settings, loaded))
  await test.step('quiesce: every fresh replica holds the whole preload', async () => {
    await oracle.check({ replicas, gone: [loaded.preloader], mustHave: loaded.opIds })
  })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
