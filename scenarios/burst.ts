/**
 * @burst: high-frequency writes from every replica (tens of ops per second
 * each); the server and clients must keep up and converge.
 *
 * @module scenarios/burst
 */
import { workloadScenario } from './base.ts'

export const burstSettings = workloadScenario
