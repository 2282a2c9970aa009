/**
 * OPFS directory access shared by the main-thread store and the worker engine:
 * `<origin root>/syncstorm/<encoded namespace>/<encoded key>`, one file per key.
 *
 * @module client/store/opfs-dir
 */
import { decodeName, encodeName, opfsRootDirName, sortKeys } from './keys.ts'
import { toStoreError, unsupportedError } from './errors.ts'
import type { StoreKind } from './store.ts'

/** The parts of the OPFS API the DOM lib of TypeScript 5.9 lacks (worker-only and async-iterable members). */
export interface SyncAccessHandle {
  read: (buffer: Uint8Array, options?: { at?: number }) => number
  write: (buffer: Uint8Array, options?: { at?: number }) => number
  truncate: (size: number) => void
  getSize: () => number
  flush: () => void
  close: () => void
}
interface IterableDirectory { keys: () => AsyncIterableIterator<string> }
interface LockingFileHandle { createSyncAccessHandle: () => Promise<SyncAccessHandle> }

/**
 * The origin's OPFS root, or an 'unsupported' StoreError.
 * @param {StoreKind} store
 */
export const opfsRoot = async (store: StoreKind): Promise<FileSystemDirectoryHandle> => {
  if (typeof navigator === 'undefined' || navigator.storage === undefined || typeof navigator.storage.getDirectory !== 'function') {
    throw unsupportedError(store, 'navigator.storage.getDirectory')
  }
  try {
    return await navigator.storage.getDirectory()
  } catch (err) {
    throw toStoreError(err, store, 'opening the OPFS root')
  }
}

/**
 * The namespace directory, created when absent.
 * @param {StoreKind} store
 * @param {string} namespace
 */
export const namespaceDir = async (store: StoreKind, namespace: string): Promise<FileSystemDirectoryHandle> => {
  const root = await opfsRoot(store)
  try {
    const base = await root.getDirectoryHandle(opfsRootDirName, { create: true })
    return await base.getDirectoryHandle(encodeName(namespace), { create: true })
  } catch (err) {
    throw toStoreError(err, store, `opening the OPFS directory of namespace "${namespace}"`)
  }
}

/**
 * Removes the namespace directory and its files; absent is fine.
 * @param {StoreKind} store
 * @param {string} namespace
 */
export const removeNamespaceDir = async (store: StoreKind, namespace: string): Promise<void> => {
  const root = await opfsRoot(store)
  try {
    const base = await root.getDirectoryHandle(opfsRootDirName, { create: true })
    await base.removeEntry(encodeName(namespace), { recursive: true })
  } catch (err) {
    if ((err as { name?: string }).name === 'NotFoundError') return
    throw toStoreError(err, store, `clearing namespace "${namespace}"`)
  }
}

/**
 * Every key in the directory, sorted; files not made by this module are skipped.
 * @param {StoreKind} store
 * @param {FileSystemDirectoryHandle} dir
 */
export const listKeys = async (store: StoreKind, dir: FileSystemDirectoryHandle): Promise<string[]> => {
  const keys: string[] = []
  try {
    for await (const name of (dir as unknown as IterableDirectory).keys()) {
      const key = decodeName(name)
      if (key !== undefined) keys.push(key)
    }
  } catch (err) {
    throw toStoreError(err, store, 'listing the namespace directory')
  }
  return sortKeys(keys)
}

/**
 * Opens a sync access handle (worker only). Fails with 'lock-held' when another handle holds the file.
 * @param {StoreKind} store
 * @param {FileSystemFileHandle} file
 * @param {string} key for the error message
 */
export const openSyncAccessHandle = async (store: StoreKind, file: FileSystemFileHandle, key: string): Promise<SyncAccessHandle> => {
  const locking = file as unknown as Partial<LockingFileHandle>
  if (typeof locking.createSyncAccessHandle !== 'function') throw unsupportedError(store, 'FileSystemFileHandle.createSyncAccessHandle')
  try {
    return await locking.createSyncAccessHandle()
  } catch (err) {
    throw toStoreError(err, store, `opening a sync access handle on key "${key}"`, true)
  }
}

/** True when a thrown value is a DOMException-like NotFoundError. */
export const isNotFound = (err: unknown): boolean => (err as { name?: string } | null)?.name === 'NotFoundError'
