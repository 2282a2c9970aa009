/**
 * Document digest (DESIGN §4): SHA-256 of the canonical JSON of the document,
 * with object keys sorted at every level. Works in browsers and Node (WebCrypto).
 *
 * @module model/digest
 */
import type * as Y from 'yjs'
import { opsOf, todosOf } from './todo-doc.ts'

/**
 * JSON with sorted keys and no whitespace. Arrays keep their order.
 * @param {unknown} value a JSON-compatible value
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.keys(value as Record<string, unknown>).sort()
    .filter(key => (value as Record<string, unknown>)[key] !== undefined)
    .map(key => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
  return `{${entries.join(',')}}`
}

/**
 * The todo document as plain JSON. Root types are read by name rather than
 * with `doc.toJSON()`: a server that never touched a root type holds it only
 * as an untyped placeholder, which `toJSON()` would leave out.
 */
export const docJson = (doc: Y.Doc): Record<string, unknown> => ({ todos: todosOf(doc).toJSON(), ops: opsOf(doc).toJSON() })

/**
 * @param {Y.Doc} doc
 * @return {Promise<string>} lowercase hex SHA-256 of the canonical JSON
 */
export const digestDoc = async (doc: Y.Doc): Promise<string> => sha256Hex(canonicalJson(docJson(doc)))

/** @param {string} text */
export const sha256Hex = async (text: string): Promise<string> => {
  const bytes = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex
}
