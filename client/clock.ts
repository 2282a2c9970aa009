/**
 * The suite's clock: epoch milliseconds with sub-millisecond precision, shared
 * by pages and Node processes on one host (client/harness/api.ts).
 *
 * @module client/clock
 */

/** @return {number} performance.timeOrigin + performance.now() */
export const nowMs = (): number => performance.timeOrigin + performance.now()
