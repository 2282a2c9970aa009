/**
 * The local store strategy shared by the persistence back ends (OPFS
 * `createWritable` on the main thread, OPFS sync access handles in a
 * dedicated worker with a file per key or one append-only log, IndexedDB).
 * Same methods, different engines, so the
 * benchmark can run them side by side and the client can use any of them.
 *
 * Each store instance owns one namespace (a directory or object store per
 * replica): replicas never share storage (DESIGN §3).
 *
 * @module client/store/store
 */

export type StoreKind = 'opfs-main' | 'opfs-worker' | 'opfs-log' | 'indexeddb' | 'memory'

/** A store the benchmark can time: a kind, or `sdk`, an adapter's own store (client/adapter/contract.ts `openBenchStore`). */
export type StoreLabel = StoreKind | 'sdk'

/**
 * What a replica asks for: a kind, or `auto`, the reference client's default:
 * opfs-log where a worker can take OPFS sync access handles, IndexedDB elsewhere.
 */
export type StoreChoice = StoreKind | 'auto'

export type StoreErrorCode = 'quota-exceeded' | 'lock-held' | 'unsupported' | 'not-found' | 'io'

/** A storage failure the client must surface, never swallow. */
export class StoreError extends Error {
  constructor (readonly code: StoreErrorCode, readonly store: StoreLabel, message: string, readonly cause?: unknown) {
    super(`[${store}] ${code}: ${message}`)
    this.name = 'StoreError'
  }
}

export interface StoreEntry { key: string, value: Uint8Array }

/** Key/value store of byte arrays. Every method resolves only once the data is durable in the engine. */
export interface KeyValueStore {
  readonly kind: StoreLabel
  /** Writes all entries (overwrite on same key). */
  put (entries: StoreEntry[]): Promise<void>
  /** Values for the keys, `undefined` where a key is absent. */
  get (keys: string[]): Promise<Array<Uint8Array | undefined>>
  /** Deletes the keys; absent keys are ignored. */
  delete (keys: string[]): Promise<void>
  /** All keys, sorted. */
  list (): Promise<string[]>
  /** Removes the namespace and everything in it. */
  clear (): Promise<void>
  /** Releases handles, workers and connections. The store is unusable afterwards. */
  close (): Promise<void>
  /** Reclaims the space of overwritten and deleted values now; only stores that need it have one (opfs-log). */
  readonly compact?: () => Promise<void>
}
