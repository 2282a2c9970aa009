/**
 * The reload-persistence checks of @persist must fire on a client whose store
 * loses its data across a reload, and pass the healthy client, through the
 * scenario's own steps:
 *   - broken: the page's OPFS is wiped right before each reload, so the
 *     restored doc misses what it held (persistNotRestored) and the offline
 *     edits, which only the store had, never reach anyone (lostOps): fail;
 *   - healthy: every restore is complete and nothing is lost: pass.
 * A smaller swarm and shorter cycles than the profile's keep it quick.
 */
import type { Page } from '@playwright/test'
import { test, expect } from '../../fixtures/index.ts'
import { profileConnectOptions } from '../../fixtures/swarm.ts'
import { editCycle, healCycle, persistRun, recordPersist, reloadCycle } from '../../scenarios/persist.ts'
import { historyFigures } from '../../oracle/figures.ts'

/** Removes everything the stores keep in this origin's OPFS (no handle is open: the scenario waited for the store). */
const wipeOpfs = async (page: Page): Promise<void> => {
  await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory()
    await root.removeEntry('syncstorm', { recursive: true }).catch(() => {})
  })
}

test.describe('persist', () => {
  test.use({ heapSampling: 'off' })
  for (const broken of [true, false]) {
    test(`persist: a client whose store ${broken ? 'loses its data on reload fails' : 'keeps its data passes'}`, async ({ profile, swarm, faults, workload, oracle, recorder }) => {
      const base = profile.scenarios.persist
      const settings = { ...base, store: 'opfs-worker' as const, durationMs: 1_500, swarm: { ...base.swarm, contexts: 1, replicasPerPage: 1, nodeReplicas: 1 } }
      const { replicas } = await swarm.spawn(settings, { url: faults.url })
      const run = persistRun(replicas)
      const connect = { ...profileConnectOptions(profile), store: settings.store, url: faults.url }
      for (const cycle of ['online edits', 'offline edits']) {
        await editCycle({ swarm, workload, faults, recorder }, settings, replicas, run, cycle === 'offline edits', profile.ackDeadlineMs)
        await reloadCycle({ swarm, recorder }, settings, run, connect, cycle, profile.ackDeadlineMs, broken ? wipeOpfs : undefined)
        await healCycle({ faults }, run, profile.convergenceDeadlineMs)
      }
      await oracle.check({ replicas, gone: run.before, mustHave: historyFigures(run.before).invoked })
      recordPersist(recorder, run)
      const { verdict, breaches } = recorder.judge(settings.thresholds)
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
