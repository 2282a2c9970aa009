/**
 * Keeps a replica's Y.Doc in its local store: restores stored updates before
 * the network is touched, appends every later update in order, and compacts
 * now and then. Every storage failure is reported through `onError`, never
 * swallowed.
 *
 * @module client/persistence
 */
import * as Y from 'yjs'
import type { StoreChoice } from './store/store.ts'

/** The doc store surface the client uses (client/store/doc-store.ts). */
export interface DocStoreLike {
  loadUpdates: () => Promise<Uint8Array[]>
  appendUpdate: (update: Uint8Array) => Promise<void>
  compact: (state: Uint8Array) => Promise<void>
  close: () => Promise<void>
}

export type OpenDocStore = (kind: StoreChoice, namespace: string) => Promise<DocStoreLike>

/** Appends between two compactions: keeps restore cost bounded. */
const compactEveryUpdates = 200
export interface PersistenceHooks {
  onError: (err: unknown) => void
  onTiming: (op: string, ms: number) => void
}

export class DocPersistence {
  private queue: Promise<void> = Promise.resolve()
  private appendsSinceCompact = 0
  private queued = 0
  private closed = false

  private constructor (private readonly store: DocStoreLike, private readonly doc: Y.Doc, private readonly hooks: PersistenceHooks) {}

  /**
   * Opens the store and applies what it holds to `doc` in one transaction.
   * @return the persistence and the number of stored updates applied
   * @throws the store's error when it cannot be opened or read
   */
  static async open (openDocStore: OpenDocStore, kind: StoreChoice, namespace: string, doc: Y.Doc, origin: unknown, hooks: PersistenceHooks): Promise<{ persistence: DocPersistence, updates: number }> {
    const store = await timed(hooks, 'open', () => openDocStore(kind, namespace))
    let updates: Uint8Array[]
    try {
      updates = await timed(hooks, 'load', () => store.loadUpdates())
    } catch (err) {
      await store.close().catch(hooks.onError)
      throw err
    }
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update, origin)
    }, origin)
    return { persistence: new DocPersistence(store, doc, hooks), updates: updates.length }
  }

  /** Queues one update; writes stay in order. */
  append (update: Uint8Array): void {
    if (this.closed) return
    this.enqueue('append', () => this.store.appendUpdate(update))
    this.appendsSinceCompact += 1
    if (this.appendsSinceCompact >= compactEveryUpdates) {
      this.appendsSinceCompact = 0
      // The state is taken when the compaction runs, so it covers every append queued before it.
      this.enqueue('compact', () => this.store.compact(Y.encodeStateAsUpdate(this.doc)))
    }
  }

  /** Waits for queued writes, then closes the store. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.queue
    await timed(this.hooks, 'close', () => this.store.close()).catch(this.hooks.onError)
  }

  /** Queued writes not yet durable (failed ones count as done: onError reported them). */
  get pending (): number {
    return this.queued
  }

  private enqueue (op: string, run: () => Promise<void>): void {
    this.queued += 1
    this.queue = this.queue.then(() => timed(this.hooks, op, run)).catch(this.hooks.onError).finally(() => { this.queued -= 1 })
  }
}

const timed = async <T>(hooks: PersistenceHooks, op: string, run: () => Promise<T>): Promise<T> => {
  const started = performance.now()
  try {
    return await run()
  } finally {
    hooks.onTiming(op, performance.now() - started)
  }
}
