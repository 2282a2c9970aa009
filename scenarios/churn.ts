/**
 * @churn: replicas leave and join continuously while the others write. The
 * run is cut into rounds of `churnEveryMs`; in each, everyone writes, one
 * seeded random replica stops writing halfway, leaves (its stats are kept,
 * then it is closed) and a fresh replica joins, mostly Node, every
 * `churnBrowserEvery`-th in the browser. At the end the survivors must
 * converge, and the departed writers' acknowledged writes must be there
 * too: no write is lost with its writer.
 *
 * @module scenarios/churn
 */
import { z } from 'zod'
import { workloadScenario } from './base.ts'
import type { ReplicaStats } from '../client/harness/api.ts'
import { acknowledgedWrites } from '../oracle/acknowledged.ts'
import { firstSyncMs, historyFigures } from '../oracle/figures.ts'
import type { Random } from '../workload/prng.ts'
import type { Recorder } from '../fixtures/recorder.ts'
import type { Replica, Swarm } from '../fixtures/swarm.ts'
import type { Workload } from '../fixtures/workload.ts'

export const churnSettings = workloadScenario.extend({
  /** Every this often one replica leaves and a fresh one joins. */
  churnEveryMs: z.number().int().positive().default(2_000),
  /** Every this-many-th joiner is a browser replica, the rest are Node replicas; 0: Node only. */
  churnBrowserEvery: z.number().int().min(0).default(3)
}).refine(s => s.durationMs >= s.churnEveryMs, { message: 'durationMs must be at least churnEveryMs: one churn round at least', path: ['churnEveryMs'] })
export type ChurnSettings = z.infer<typeof churnSettings>

/** Rounds of a churn run. */
export const churnRounds = (settings: ChurnSettings): number => Math.floor(settings.durationMs / settings.churnEveryMs)

export interface ChurnRound {
  departed: ReplicaStats
  joiner: Replica
}

/**
 * One round: everyone but the victim writes for a round; the victim writes
 * half of it, leaves, and a fresh replica joins in its place (`live` is updated).
 */
export const churnRound = async ({ swarm, workload, recorder }: { swarm: Swarm, workload: Workload, recorder: Recorder }, settings: ChurnSettings, live: Replica[], round: number, random: Random): Promise<ChurnRound> => {
  const victim = live[Math.floor(random() * live.length)]!
  const writing = workload.run(live.filter(r => r !== victim), { ...settings, durationMs: settings.churnEveryMs })
  // The victim stops writing before it leaves, so its stats hold every op it ran.
  await workload.run([victim], { ...settings, durationMs: Math.floor(settings.churnEveryMs / 2) })
  const [departed] = await swarm.stats([victim])
  await swarm.closeReplicas([victim])
  live.splice(live.indexOf(victim), 1)
  const inBrowser = settings.churnBrowserEvery > 0 && round % settings.churnBrowserEvery === 0
  const shape = { contexts: inBrowser ? 1 : 0, pagesPerContext: 1, replicasPerPage: 1, nodeReplicas: inBrowser ? 0 : 1 }
  const { replicas: [joiner] } = await swarm.spawn({ ...settings, swarm: shape }, { label: `join${round}` })
  live.push(joiner!)
  recorder.mark(`churn: ${victim.id} left (${departed!.history.length} op(s)), ${joiner!.id} joined (${inBrowser ? 'browser' : 'node'}); ${live.length} live`)
  await writing
  return { departed: departed!, joiner: joiner! }
}

/**
 * The churn figures, from every replica's stats after the oracle (the
 * departed included); a run in which no departed write had to survive
 * proves nothing about departed writers: a suite error.
 */
export const recordChurn = (recorder: Recorder, churned: ChurnRound[], stats: ReplicaStats[]): void => {
  const departedWrites = historyFigures(churned.map(c => c.departed))
  const survived = [...acknowledgedWrites(stats, new Set())].filter(opId => departedWrites.invoked.has(opId))
  recorder.figure('churnJoins', churned.length)
  recorder.figure('churnLeaves', churned.length)
  recorder.figure('churnDepartedWrites', departedWrites.writes)
  recorder.figure('churnDepartedAcknowledged', survived.length)
  recorder.histogram('churnJoinSyncMs', firstSyncMs(stats.filter(s => churned.some(c => c.joiner.id === s.replicaId))))
  if (survived.length === 0) recorder.error('no write of a departed replica was acknowledged (or seen by another replica) before it left: the churn proved nothing about departed writers')
}
