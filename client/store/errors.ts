/**
 * Maps engine failures (DOMException names from OPFS and IndexedDB) to typed
 * StoreErrors. Every message is one sentence: what happened, what to do.
 *
 * @module client/store/errors
 */
import { StoreError, type StoreErrorCode, type StoreKind } from './store.ts'

const errorName = (err: unknown): string =>
  typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string' ? (err as { name: string }).name : 'Error'

const errorMessage = (err: unknown): string =>
  typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string'
    ? (err as { message: string }).message
    : String(err)

/**
 * The StoreError code for an engine failure.
 * @param {unknown} err what the engine threw (usually a DOMException)
 * @param {boolean} locking true when the failing call takes a file lock (createSyncAccessHandle),
 *   where InvalidStateError means another handle holds it
 * @return {StoreErrorCode}
 */
export const storeErrorCode = (err: unknown, locking = false): StoreErrorCode => {
  if (err instanceof StoreError) return err.code
  switch (errorName(err)) {
    case 'QuotaExceededError': return 'quota-exceeded'
    case 'NoModificationAllowedError': return 'lock-held'
    case 'InvalidStateError': return locking ? 'lock-held' : 'io'
    case 'NotFoundError': return 'not-found'
    // Private browsing and insecure contexts refuse the storage API.
    case 'SecurityError': return 'unsupported'
    default: return 'io'
  }
}

const advice: Record<StoreErrorCode, string> = {
  'quota-exceeded': 'the origin\'s storage quota is used up: free space by clearing old namespaces, or request persistent storage',
  'lock-held': 'another handle holds the file lock: close the other store (tab or worker) on this namespace, or give each replica its own namespace',
  unsupported: 'this browser context does not offer the storage API: use a secure context (https or loopback) outside private browsing, or pick another store',
  'not-found': 'the entry does not exist: it was deleted or never written, so write it first',
  io: 'the storage engine reported an error: retry, and if it persists check the browser\'s storage'
}

/**
 * Wraps any engine failure in a StoreError with a code and a one-sentence message.
 * A StoreError passes through unchanged.
 * @param {unknown} err
 * @param {StoreKind} store
 * @param {string} action what was attempted, e.g. `put of key "0001"`
 * @param {boolean} locking see storeErrorCode
 * @return {StoreError}
 */
export const toStoreError = (err: unknown, store: StoreKind, action: string, locking = false): StoreError => {
  if (err instanceof StoreError) return err
  const code = storeErrorCode(err, locking)
  return new StoreError(code, store, `${action} failed (${errorName(err)}: ${errorMessage(err)}) because ${advice[code]}.`, err)
}

/**
 * The error for a missing browser API.
 * @param {StoreKind} store
 * @param {string} api the missing API, e.g. `navigator.storage.getDirectory`
 * @return {StoreError}
 */
export const unsupportedError = (store: StoreKind, api: string): StoreError =>
  new StoreError('unsupported', store, `${api} is not available here, so ${store} cannot run: use a browser and secure context that offer it, or pick another store.`)
