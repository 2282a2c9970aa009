import { test } from '../../fixtures/index.ts'
import { churnRound, churnRounds, recordChurn, type ChurnRound } from '../../scenarios/churn.ts'
import { deriveSeed, mulberry32 } from '../../workload/prng.ts'

test('churn: replicas leave and join while the others write; nothing a departed writer was acked for is lost', { tag: '@churn' }, async ({ profile, swarm, workload, oracle, recorder }) => {
  const settings = profile.scenarios.churn
  const rounds = churnRounds(settings)
  const random = mulberry32(deriveSeed(workload.seed, 'churn'))
  const churned: ChurnRound[] = []
  const { replicas: live } = await test.step(`arrange: spawn the initial swarm; churn every ${settings.churnEveryMs} ms for ${rounds} round(s)`, async () => await swarm.spawn(settings))
  for (let round = 1; round <= rounds; round++) {
    await test.step(`workload + churn: round ${round}/${rounds}`, async () => { churned.push(await churnRound({ swarm, workload, recorder }, settings, live, round, random)) })
  }
  await test.step('quiesce: survivors converge and hold every acknowledged write of the departed', async () => {
    const { stats } = await oracle.check({ replicas: live, gone: churned.map(c => c.departed) })
    recordChurn(recorder, churned, stats)
  })
  await test.step('assert: thresholds', async () => { recorder.expectVerdict(settings.thresholds) })
})
