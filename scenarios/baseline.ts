/**
 * @baseline: a few browser and Node replicas write the seeded mix at a low
 * rate; they must converge with no lost write, fast. No fault, no extra settings.
 *
 * @module scenarios/baseline
 */
import { workloadScenario } from './base.ts'

export const baselineSettings = workloadScenario
