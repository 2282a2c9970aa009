/**
 * Key and namespace names shared by all stores: validation, and the encoding
 * of a key into a safe OPFS file name (and back).
 *
 * File-name layout: UTF-8 bytes of the key, where `[A-Za-z0-9_-]` stay as they
 * are and every other byte becomes `.` plus two lowercase hex digits. The result
 * never contains `/` or `\`, and is never `.` or `..`.
 *
 * @module client/store/keys
 */
import { z } from 'zod'
import { StoreError, type StoreKind } from './store.ts'

/** OPFS names are file names: 255 bytes is the common file-system limit. */
const maxNameBytes = 255

/** Namespaces name one replica's storage (a directory or a database). */
export const namespaceSchema = z.string()
  .min(1, 'a store namespace must not be empty')
  .max(80, 'a store namespace must be at most 80 characters')

/** Keys are non-empty strings whose encoded file name fits in 255 bytes. */
export const keySchema = z.string()
  .min(1, 'a store key must not be empty')
  .refine(key => encodeName(key).length <= maxNameBytes, 'a store key must encode to at most 255 bytes: use a shorter key')

const plain = /[A-Za-z0-9_-]/

/**
 * @param {string} key any non-empty string
 * @return {string} a file name that decodeName maps back to key
 */
export const encodeName = (key: string): string => {
  let name = ''
  for (const char of key) {
    if (plain.test(char)) {
      name += char
      continue
    }
    for (const byte of new TextEncoder().encode(char)) name += '.' + byte.toString(16).padStart(2, '0')
  }
  return name
}

/**
 * @param {string} name a file name made by encodeName
 * @return {string | undefined} the key, or undefined when the name was not made by encodeName
 */
export const decodeName = (name: string): string | undefined => {
  if (!/^(?:[A-Za-z0-9_-]|\.[0-9a-f]{2})+$/.test(name)) return undefined
  const bytes: number[] = []
  for (let i = 0; i < name.length;) {
    if (name[i] === '.') {
      bytes.push(parseInt(name.slice(i + 1, i + 3), 16))
      i += 3
    } else {
      bytes.push(name.charCodeAt(i))
      i += 1
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes))
  } catch {
    return undefined
  }
}

/** The sort every store's list() uses: UTF-16 code-unit order, as IndexedDB keys sort. */
export const sortKeys = (keys: string[]): string[] => keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

/** OPFS directory under the origin root that holds every namespace directory. */
export const opfsRootDirName = 'syncstorm'

/**
 * Checks a key and returns its file name; a key no store can hold is an 'io' StoreError.
 * @param {StoreKind} store
 * @param {string} key
 * @return {string} the encoded file name
 */
export const checkKey = (store: StoreKind, key: string): string => {
  const checked = keySchema.safeParse(key)
  if (!checked.success) throw new StoreError('io', store, `key ${JSON.stringify(key).slice(0, 40)} is invalid because ${checked.error.issues[0]?.message ?? 'it is not a string'}.`)
  return encodeName(key)
}
