/**
 * Reconnect delays: capped exponential backoff, with AWS-style full jitter
 * (delay = random(0, min(maxMs, initialMs * 2^attempt))) or, for the suite's
 * deliberately bad client, none (every replica retries at the same instant).
 *
 * @module client/backoff
 */
import type { ResolvedConnectOptions } from './harness/api.ts'

export type BackoffOptions = ResolvedConnectOptions['backoff']

/**
 * @param {number} attempt retries already made since the last successful sync (0 for the first retry)
 * @param {BackoffOptions} options
 * @param {() => number} random uniform in [0, 1), injectable so tests are exact
 * @return {number} milliseconds to wait before the next connection attempt
 */
export const backoffDelayMs = (attempt: number, options: BackoffOptions, random: () => number = Math.random): number => {
  // Clamp the exponent: 2^attempt overflows to Infinity long before attempt is unbounded.
  const ceilingMs = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 40))
  return options.jitter === 'full' ? random() * ceilingMs : ceilingMs
}
