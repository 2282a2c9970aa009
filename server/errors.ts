/**
 * Stable error codes of the reference sync server.
 *
 * Socket errors carry a WebSocket close code (4000-4999 are ours; 1001 and 1009
 * are the standard "going away" and "message too big") and a one-sentence reason
 * that is sent as the close reason. Close reasons are limited to 123 bytes by
 * RFC 6455, so every reason here stays short; `closeReason()` trims longer
 * details (for example a FrameError message) to fit.
 *
 * @module server/errors
 */

/** Errors that close one WebSocket connection. */
export const socketErrors = {
  SYNC_ERR_BAD_FRAME: { closeCode: 4400, reason: 'malformed frame' },
  SYNC_ERR_AUTH_DENIED: { closeCode: 4401, reason: 'auth denied: pass a valid token= for this document' },
  SYNC_ERR_BAD_DOC_NAME: { closeCode: 4404, reason: 'bad document name: use a URL path of 1-180 bytes' },
  SYNC_ERR_HEARTBEAT_TIMEOUT: { closeCode: 4408, reason: 'no pong within the heartbeat timeout' },
  SYNC_ERR_BAD_UPDATE: { closeCode: 4422, reason: 'update could not be applied to the document' },
  SYNC_ERR_RATE_LIMITED: { closeCode: 4429, reason: 'message rate limit exceeded: send fewer messages per second' },
  SYNC_ERR_STORAGE: { closeCode: 4500, reason: 'server storage failed for this document' },
  SYNC_ERR_TOO_MANY_CONNECTIONS: { closeCode: 4503, reason: 'server has too many connections: retry later' },
  SYNC_ERR_SLOW_CONSUMER: { closeCode: 4504, reason: 'slow consumer: too many bytes waiting to be sent' },
  SYNC_ERR_TOO_MANY_DOCS: { closeCode: 4507, reason: 'server has too many documents loaded: retry later' },
  SYNC_ERR_FRAME_TOO_LARGE: { closeCode: 1009, reason: 'frame exceeds the server max frame size' },
  SYNC_ERR_SHUTTING_DOWN: { closeCode: 1001, reason: 'server is shutting down' }
} as const

export type SocketErrorCode = keyof typeof socketErrors

/** Errors of the HTTP API and of start-up. */
export const serverErrors = {
  SYNC_ERR_CONFIG: { exitCode: 2, message: 'invalid setting' },
  SYNC_ERR_ADMIN_UNAUTHORIZED: { statusCode: 401, message: 'admin token missing or wrong: send authorization: Bearer <token>' },
  SYNC_ERR_BAD_REQUEST: { statusCode: 400, message: 'request parameters are invalid' },
  SYNC_ERR_CORRUPT_TAIL: { message: 'a document log had a torn or corrupt tail, which was truncated' }
} as const

export type ServerErrorCode = keyof typeof serverErrors

/** An error with a stable code, thrown by server modules. */
export class SyncError extends Error {
  readonly code: SocketErrorCode | ServerErrorCode
  constructor (code: SocketErrorCode | ServerErrorCode, message: string) {
    super(message)
    this.name = 'SyncError'
    this.code = code
  }
}

const maxCloseReasonBytes = 123

/**
 * Fits a reason into a WebSocket close frame (at most 123 UTF-8 bytes).
 * @param {string} text one sentence
 * @return {string}
 */
export const closeReason = (text: string): string => {
  if (Buffer.byteLength(text) <= maxCloseReasonBytes) return text
  let cut = text.slice(0, maxCloseReasonBytes)
  while (Buffer.byteLength(cut) > maxCloseReasonBytes - 3) cut = cut.slice(0, -1)
  return `${cut}...`
}

/** Reason for a close code, for sockets closed by the ws library itself (no reason given). */
export const reasonForCloseCode = (code: number): string | undefined => {
  for (const entry of Object.values(socketErrors)) if (entry.closeCode === code) return entry.reason
  return undefined
}
