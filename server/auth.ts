/**
 * Shared-secret document tokens, passed as `?token=` on the WebSocket URL.
 *
 * Layout: `base64url(JSON payload) "." base64url(HMAC-SHA256(secret, first part))`
 * Payload: `{ doc, expiresAt }`. `doc` is an exact document name, or a prefix
 * ending in `*` (`team-a/*` grants every document starting with `team-a/`).
 * `expiresAt` is a Unix time in milliseconds.
 *
 * @module server/auth
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'

/** The signed claims of a token. */
export const tokenPayloadSchema = z.object({
  doc: z.string().min(1).max(1024),
  expiresAt: z.number().int().nonnegative()
})
export type TokenPayload = z.infer<typeof tokenPayloadSchema>

const mac = (body: string, secret: string): Buffer => createHmac('sha256', secret).update(body).digest()

/**
 * @param {TokenPayload} payload document scope and expiry
 * @param {string} secret the server's SYNC_AUTH_SECRET
 * @return {string} the token for `?token=`
 */
export const signToken = (payload: TokenPayload, secret: string): string => {
  const body = Buffer.from(JSON.stringify(tokenPayloadSchema.parse(payload))).toString('base64url')
  return `${body}.${mac(body, secret).toString('base64url')}`
}

/** Result of checking a token: ok, or one sentence why not. */
export type TokenCheck = { ok: true } | { ok: false, reason: string }

/**
 * Checks a token against a document name.
 * @param {string|null} token from the query string
 * @param {string} secret
 * @param {string} docName the document the connection asks for
 * @param {number} nowMs current time
 * @return {TokenCheck}
 */
export const verifyToken = (token: string | null, secret: string, docName: string, nowMs: number): TokenCheck => {
  if (token === null || token === '') return { ok: false, reason: 'auth denied: no token= in the URL' }
  const dot = token.indexOf('.')
  if (dot <= 0) return { ok: false, reason: 'auth denied: token is not of the form payload.signature' }
  const body = token.slice(0, dot)
  const given = Buffer.from(token.slice(dot + 1), 'base64url')
  const expected = mac(body, secret)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'auth denied: token signature is wrong' }
  }
  let payload: TokenPayload
  try {
    payload = tokenPayloadSchema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')))
  } catch {
    return { ok: false, reason: 'auth denied: token payload is not {doc, expiresAt}' }
  }
  if (payload.expiresAt <= nowMs) return { ok: false, reason: 'auth denied: token expired' }
  const granted = payload.doc.endsWith('*')
    ? docName.startsWith(payload.doc.slice(0, -1))
    : docName === payload.doc
  return granted ? { ok: true } : { ok: false, reason: 'auth denied: token is for another document' }
}
