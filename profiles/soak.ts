import { derive } from './derive.ts'
import { light } from './light.ts'

/**
 * Hours: the soak scenario (1 op/s per replica, DESIGN §5) for 2 h and
 * sessions held for an hour, with a heap sample every 30 s, so leaks and slow
 * drifts show. Longer with STRESS_DURATION_MS. Every other value is light's.
 */
export const soak = derive(light, {
  name: 'soak',
  description: 'hours: the soak scenario for 2 hours and 1,000 sessions held for an hour (STRESS_DURATION_MS for longer)',
  convergenceDeadlineMs: 60_000,
  ackDeadlineMs: 30_000,
  heap: { sampleIntervalMs: 30_000, serverSampleIntervalMs: 10_000 },
  scenarios: {
    soak: { swarm: { contexts: 4, replicasPerPage: 2, nodeReplicas: 20 }, durationMs: 7_200_000 },
    sessions: { durationMs: 3_600_000 }
  }
})
