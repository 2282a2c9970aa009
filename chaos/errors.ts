/**
 * The chaos proxy's errors: stable codes, one-sentence messages.
 *
 * @module chaos/errors
 */

export const chaosErrorCodes = {
  CHAOS_ERR_INVALID: 400,
  CHAOS_ERR_NOT_LOOPBACK: 400,
  CHAOS_ERR_UNSUPPORTED: 400,
  CHAOS_ERR_NOT_FOUND: 404,
  CHAOS_ERR_EXISTS: 409,
  CHAOS_ERR_STATE: 409
} as const
export type ChaosErrorCode = keyof typeof chaosErrorCodes

/** An error the caller can fix; `status` is the HTTP status the control API answers with. */
export class ChaosError extends Error {
  readonly status: number
  constructor (readonly code: ChaosErrorCode, message: string) {
    super(message)
    this.name = 'ChaosError'
    this.status = chaosErrorCodes[code]
  }
}
