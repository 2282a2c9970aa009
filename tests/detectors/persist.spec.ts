/**
 * The reload-persistence checks of @persist must fire on a client whose store
 * loses its data across a reload, and pass the healthy client:
 *   - broken: the page's OPFS is wiped right before each reload, so the
 *     restored doc misses what it held (persistNotRestored) and the offline
 *     edits, which only the store had, never reach anyone (lostOps): fail;
 *   - healthy: every restore is complete and nothing is lost: pass.
 * A smaller swarm and shorter cycles than the profile's keep it quick.
 */
import type { Page } from '@playwright/test'
import { test, expect } from '../../fixtures/index.ts'
import { runPersistScenario } from '../../fixtures/persist-scenario.ts'

/** Removes everything the stores keep in this origin's OPFS (no handle is open: the scenario waited for the store). */
const wipeOpfs = async (page: Page): Promise<void> => {
  await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory()
    await root.removeEntry('syncstorm', { recursive: true }).catch(() => {})
  })
}

test.describe('persist', () => {
  test.use({ heapSampling: false })
  for (const broken of [true, false]) {
    test(`persist: a client whose store ${broken ? 'loses its data on reload fails' : 'keeps its data passes'}`, async ({ swarm, workload, oracle, recorder, profile, faults, target }) => {
      const base = profile.scenarios.persist
      const scenario = { ...base, store: 'opfs-worker' as const, durationMs: 1_500, swarm: { ...base.swarm, contexts: 1, replicasPerPage: 1, nodeReplicas: 1 } }
      await runPersistScenario({ swarm, workload, oracle, recorder, profile, faults, target }, scenario, broken ? wipeOpfs : undefined)
      const { verdict, breaches } = recorder.judge(scenario.thresholds)
      if (broken) {
        expect(recorder.metrics.figures.persistNotRestored).toBeGreaterThan(0)
        expect(recorder.metrics.figures.lostOps).toBeGreaterThan(0)
        expect(breaches.map(b => b.figure)).toEqual(expect.arrayContaining(['persistNotRestored', 'lostOps']))
        expect(verdict).toBe('fail')
      } else {
        expect(recorder.metrics.figures.persistNotRestored).toBe(0)
        expect(verdict, recorder.metrics.verdictReasons.join('\n')).toBe('pass')
      }
    })
  }
})
