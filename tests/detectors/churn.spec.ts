/**
 * Churn must fail on a server that forgets a departed writer's acknowledged
 * writes (it rebuilds the document without them when the writer leaves), and
 * pass the same relay without that fault, through @churn's own rounds.
 */
import { test, expect } from '../../fixtures/index.ts'
import { churnRound, churnRounds, recordChurn, type ChurnRound } from '../../scenarios/churn.ts'
import { deriveSeed, mulberry32 } from '../../workload/prng.ts'
import { faultyRelay } from './support/faulty-relay.ts'

for (const { fault, broken } of [{ fault: 'forget-departed', broken: true }, { fault: 'none', broken: false }]) {
  test.describe(`server ${fault}`, () => {
    test.use({ targetSpec: faultyRelay(fault, { ack: true }) })
    test(`churn ${broken ? 'reports the departed writers\' lost writes' : 'passes'} on a relay with ${fault === 'none' ? 'no fault' : 'a memory that forgets departed writers'}`, async ({ profile, swarm, workload, oracle, recorder }) => {
      const settings = profile.scenarios.churn
      const random = mulberry32(deriveSeed(workload.seed, 'churn'))
      const { replicas: live } = await swarm.spawn(settings)
      const churned: ChurnRound[] = []
      for (let round = 1; round <= churnRounds(settings); round++) churned.push(await churnRound({ swarm, workload, recorder }, settings, live, round, random))
      const departed = churned.map(c => c.departed)
      const result = await oracle.check({ replicas: live, gone: departed, deadlineMs: 5_000 })
      recordChurn(recorder, churned, result.stats)
      const { verdict } = recorder.judge(settings.thresholds)
      if (broken) {
        expect(verdict).toBe('fail')
        const departedIds = new Set(departed.map(d => d.replicaId))
        expect(result.verdict.lost.some(l => departedIds.has(l.opId.slice(0, l.opId.lastIndexOf(':')))), result.verdict.message).toBe(true)
      } else {
        expect(verdict, recorder.metrics.verdictReasons.join('\n')).toBe('pass')
      }
    })
  })
}
