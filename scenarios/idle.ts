/**
 * @idle: idle connections behind a load balancer. Replicas connect through
 * the chaos proxy with its idle timeout on, then write nothing for
 * `idlePeriods` idle timeouts. Their heartbeats must keep every connection
 * alive: a close by the idle timeout is no injected fault, so it counts as an
 * unexpected disconnect. A short workload afterwards checks the connections
 * still carry edits.
 *
 * @module scenarios/idle
 */
import { z } from 'zod'
import { workloadScenario } from './base.ts'

export const idleSettings = workloadScenario.extend({
  /** The proxy closes connections with no bytes either way for this long (a load balancer's idle timeout). */
  idleTimeoutMs: z.number().int().positive().default(5_000),
  /** How many idle timeouts the replicas stay silent. */
  idlePeriods: z.number().int().positive().default(3)
})
