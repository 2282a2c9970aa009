/**
 * Test page for the store tests: puts `window.storeProbe` on the page, a small
 * API whose arguments and results are plain JSON, so specs drive the real
 * stores from Node with page.evaluate.
 */
import * as Y from 'yjs'
import { openStore } from '../../../client/store/open.ts'
import { openDocStore } from '../../../client/store/doc-store.ts'
import { runStoreBench } from '../../../client/store/bench.ts'
import { StoreError, type KeyValueStore, type StoreKind } from '../../../client/store/store.ts'
import { opfsLogDirName } from '../../../client/store/opfs-log-engine.ts'
import { encodeName } from '../../../client/store/keys.ts'
import type { OpfsWorkerStore } from '../../../client/store/opfs-worker.ts'
import type { StoreBenchOptions, StoreBenchResult } from '../../../client/harness/api.ts'

/** A result, or the StoreError's code and message. */
export type Settled<T> = { ok: true, value: T } | { ok: false, code: string, message: string }

const settle = async <T>(fn: () => Promise<T>): Promise<Settled<T>> => {
  try {
    return { ok: true, value: await fn() }
  } catch (err) {
    return { ok: false, code: err instanceof StoreError ? err.code : `not a StoreError: ${String(err)}`, message: (err as Error).message }
  }
}

const text = (value: Uint8Array | undefined): string | null => (value === undefined ? null : new TextDecoder().decode(value))

const probe = {
  /** Writes text values. */
  write: (kind: StoreKind, namespace: string, entries: Array<{ key: string, text: string }>) => settle(async () => {
    const store = await openStore(kind, namespace)
    try {
      await store.put(entries.map(({ key, text }) => ({ key, value: new TextEncoder().encode(text) })))
    } finally {
      await store.close()
    }
  }),
  /** Reads text values (null where absent) and the sorted key list. */
  read: (kind: StoreKind, namespace: string, keys: string[]) => settle(async () => {
    const store = await openStore(kind, namespace)
    try {
      return { values: (await store.get(keys)).map(text), keys: await store.list() }
    } finally {
      await store.close()
    }
  }),
  /** put/get/list/delete/clear on one store, with what each step saw. */
  roundTrip: (kind: StoreKind, namespace: string) => settle(async () => {
    const store = await openStore(kind, namespace)
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
    try {
      const big = new Uint8Array(300_000).map((_, i) => i % 251)
      await store.put([{ key: 'b', value: enc('bee') }, { key: 'a/../x y', value: enc('odd key') }, { key: 'ü-ключ', value: enc('unicode') }, { key: 'big', value: big }])
      await store.put([{ key: 'b', value: enc('bee2') }, { key: 'empty', value: new Uint8Array(0) }])
      const [b, odd, uni, missing, empty, bigBack] = await store.get(['b', 'a/../x y', 'ü-ключ', 'nope', 'empty', 'big'])
      const listed = await store.list()
      await store.delete(['b', 'nope'])
      const afterDelete = await store.list()
      await store.clear()
      const afterClear = await store.list()
      await store.put([{ key: 'again', value: enc('after clear') }])
      const afterClearPut = (await store.get(['again'])).map(text)
      await store.clear()
      return {
        values: [b, odd, uni, missing, empty].map(text),
        emptyBytes: empty?.byteLength ?? -1,
        bigEqual: bigBack !== undefined && bigBack.byteLength === big.byteLength && bigBack.every((byte, i) => byte === big[i]),
        listed,
        afterDelete,
        afterClear,
        afterClearPut
      }
    } finally {
      await store.close()
    }
  }),
  /**
   * Appends every update of a doc, compacts, appends more, then simulates a crash
   * between compact's write and its delete; each load must rebuild the same doc.
   */
  docStore: (kind: StoreKind, namespace: string) => settle(async () => {
    const doc = new Y.Doc()
    const docStore = await openDocStore(kind, namespace)
    const appends: Array<Promise<void>> = []
    doc.on('update', (update: Uint8Array) => appends.push(docStore.appendUpdate(update)))
    const map = doc.getMap<number>('todos')
    const list = doc.getArray<string>('log')
    for (let i = 0; i < 30; i++) {
      map.set(`todo-${i}`, i)
      list.push([`op-${i}`])
      if (i % 7 === 0) map.delete(`todo-${i - 1}`)
    }
    await Promise.all(appends)
    const expected = (): { state: number[], json: string } => ({ state: [...Y.encodeStateAsUpdate(doc)], json: JSON.stringify(doc.toJSON()) })
    const snapshot = (fresh: Y.Doc, updates: number): { state: number[], json: string, updates: number } => {
      // toJSON lists only the shared types a doc has been asked for.
      fresh.getMap('todos')
      fresh.getArray('log')
      return { state: [...Y.encodeStateAsUpdate(fresh)], json: JSON.stringify(fresh.toJSON()), updates }
    }
    const rebuilt = async (): Promise<{ state: number[], json: string, updates: number }> => {
      const updates = await docStore.loadUpdates()
      const fresh = new Y.Doc()
      for (const update of updates) Y.applyUpdate(fresh, update)
      return snapshot(fresh, updates.length)
    }
    const beforeCompact = await rebuilt()
    await docStore.compact(Y.encodeStateAsUpdate(doc))
    const afterCompact = await rebuilt()
    map.set('after-compact', 1)
    await Promise.all(appends)
    const afterMore = await rebuilt()
    const want = expected()
    const timings = docStore.timings.length
    await docStore.close()
    // A "crash" after compact's write: the merged entry sits next to the updates it replaces.
    const raw = await openStore(kind, namespace)
    const keysBefore = await raw.list()
    await raw.put([{ key: String(Number(keysBefore[keysBefore.length - 1]) + 1).padStart(16, '0'), value: Y.encodeStateAsUpdate(doc) }])
    await raw.close()
    const reopened = await openDocStore(kind, namespace)
    const updates = await reopened.loadUpdates()
    const fresh = new Y.Doc()
    for (const update of updates) Y.applyUpdate(fresh, update)
    await reopened.appendUpdate(new Uint8Array([0, 0]))
    // Closed first: opfs-log holds its namespace exclusively while open.
    await reopened.close()
    const keysAfterAppend = await (async () => {
      const store = await openStore(kind, namespace)
      try { return await store.list() } finally { await store.close() }
    })()
    return {
      beforeCompact, afterCompact, afterMore, expected: want, timings, keysBefore,
      afterCrash: snapshot(fresh, updates.length),
      keysAfterAppend
    }
  }),
  /** Two worker stores that keep handles open on one namespace: the second write of a key must hit the lock. */
  lockHeld: (namespace: string) => settle(async () => {
    const holder = await openStore('opfs-worker', namespace, { keepHandlesOpen: true })
    const other = await openStore('opfs-worker', namespace)
    try {
      await holder.put([{ key: 'locked', value: new Uint8Array([1]) }])
      const blocked = await settle(() => other.put([{ key: 'locked', value: new Uint8Array([2]) }]))
      const blockedRead = await settle(() => other.get(['locked']))
      const free = await settle(() => other.put([{ key: 'free', value: new Uint8Array([3]) }]))
      await holder.close()
      const afterRelease = await settle(async () => {
        await other.put([{ key: 'locked', value: new Uint8Array([4]) }])
        return [...(await other.get(['locked']))[0] ?? []]
      })
      return { blocked, blockedRead, free, afterRelease }
    } finally {
      await holder.close().catch(() => {})
      await other.clear().catch(() => {})
      await other.close()
    }
  }),
  /** Writes chunkBytes-sized values until the store refuses or totalBytes are written. */
  fillUntilRefused: (kind: StoreKind, namespace: string, chunkBytes: number, totalBytes: number) => settle(async () => {
    const store = await openStore(kind, namespace)
    let writtenBytes = 0
    try {
      for (let i = 0; writtenBytes < totalBytes; i++) {
        // Random bytes: Chromium compresses IndexedDB values, so a constant fill would hardly use quota.
        const value = new Uint8Array(chunkBytes)
        for (let offset = 0; offset < chunkBytes; offset += 65_536) crypto.getRandomValues(value.subarray(offset, offset + 65_536))
        const outcome = await settle(() => store.put([{ key: `chunk-${i}`, value }]))
        if (!outcome.ok) return { writtenBytes, refused: outcome }
        writtenBytes += chunkBytes
      }
      return { writtenBytes, refused: null }
    } finally {
      await store.clear().catch(() => {})
      await store.close()
    }
  }),
  /** Talks to the bare worker: each answer must carry the request's id and a StoreError code. */
  rawWorker: async (messages: unknown[]): Promise<unknown[]> => {
    const worker = new Worker(new URL('/harness/opfs-worker.js', location.origin), { type: 'module' })
    try {
      const answers: unknown[] = []
      const all = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the OPFS worker did not answer within 10 s')), 10_000)
        worker.onmessage = event => {
          answers.push(event.data)
          if (answers.length === messages.length) {
            clearTimeout(timer)
            resolve()
          }
        }
      })
      for (const message of messages) worker.postMessage(message)
      await all
      return answers
    } finally {
      worker.terminate()
    }
  },
  bench: (options: StoreBenchOptions): Promise<StoreBenchResult> => runStoreBench(options),
  /** Opens an opfs-log namespace and keeps it open (its lock held) until releaseLog. */
  holdLog: (namespace: string) => settle(async () => {
    held.set(namespace, await openStore('opfs-log', namespace))
  }),
  releaseLog: (namespace: string) => settle(async () => {
    await held.get(namespace)?.close()
    held.delete(namespace)
  }),
  /** Opens an opfs-log namespace with a short lock wait: what a second tab sees. */
  openLog: (namespace: string, lockWaitMs: number) => settle(async () => {
    const store = await openStore('opfs-log', namespace, { lockWaitMs })
    await store.close()
  }),
  /** The opfs-log files of a namespace with their sizes, read from the main thread. */
  logFiles: (namespace: string) => settle(async () => Object.fromEntries(await Promise.all((await logFileNames(namespace)).map(async name => [name, (await (await (await logDir(namespace)).getFileHandle(name)).getFile()).size] as const)))),
  /**
   * Changes a closed log's newest generation from the main thread: cut its last
   * `bytes`, flip one bit `bytes` from the end, or add a file (`<gen>.log`) holding
   * a copy of the newest log without its seal (an unfinished compaction) or with
   * one value changed (a stale, superseded log).
   */
  damageLog: (namespace: string, how: 'truncate' | 'flip' | 'unsealed-next' | 'stale-previous', bytes: number) => settle(async () => {
    const dir = await logDir(namespace)
    const names = await logFileNames(namespace)
    const newest = names[names.length - 1]!
    const gen = Number(newest.split('.')[0])
    const file = await dir.getFileHandle(newest)
    const content = new Uint8Array(await (await file.getFile()).arrayBuffer())
    const writeFile = async (name: string, data: Uint8Array): Promise<void> => {
      const writable = await (await dir.getFileHandle(name, { create: true })).createWritable()
      await writable.write(data as Uint8Array<ArrayBuffer>)
      await writable.close()
    }
    switch (how) {
      case 'truncate': return await writeFile(newest, content.subarray(0, content.length - bytes))
      case 'flip': {
        content[content.length - bytes]! ^= 0x01
        return await writeFile(newest, content)
      }
      // The newest log ends with its seal (11 bytes) right after a compaction.
      case 'unsealed-next': return await writeFile(`${gen + 1}.log`, content.subarray(0, content.length - 11))
      case 'stale-previous': return await writeFile(`${gen - 1}.log`, new Uint8Array([1, 2, 3]))
    }
  }),
  /** Opens an opfs-log namespace: its values as text, what recovery did, then its files. */
  recoverLog: (namespace: string) => settle(async () => {
    const store = await openStore('opfs-log', namespace) as OpfsWorkerStore
    try {
      const keys = await store.list()
      return { keys, values: (await store.get(keys)).map(text), recovery: store.recovery }
    } finally {
      await store.close()
    }
  }),
  /** Writes text values to an opfs-log namespace, then compacts it. */
  writeAndCompact: (namespace: string, entries: Array<{ key: string, text: string }>) => settle(async () => {
    const store = await openStore('opfs-log', namespace)
    try {
      await store.put(entries.map(({ key, text }) => ({ key, value: new TextEncoder().encode(text) })))
      await store.compact!()
    } finally {
      await store.close()
    }
  }),
  /**
   * The crash test's writer: appends batches of `batch` records to an opfs-log
   * namespace, keys `w<seq>` from the first absent one, values crashValue(seq),
   * and compacts every `compactEvery` batches, until `maxBatches` or the page
   * dies. `window.crashAcked` is the number of keys durable so far.
   */
  startWriter: (namespace: string, batch: number, compactEvery: number, maxBatches: number) => settle(async () => {
    const store = await openStore('opfs-log', namespace)
    let next = (await store.list()).length
    crashAcked = next
    void (async () => {
      for (let b = 0; b < maxBatches; b++) {
        await store.put(Array.from({ length: batch }, (_, i) => ({ key: crashKey(next + i), value: crashValue(next + i) })))
        next += batch
        crashAcked = next
        if ((b + 1) % compactEvery === 0) await store.compact!()
      }
      await store.close()
    })()
    return next
  }),
  acked: (): number => crashAcked,
  /** Opens the namespace after a crash: the keys must be w0..w(n-1) with intact values. */
  verifyPrefix: (namespace: string) => settle(async () => {
    const store = await openStore('opfs-log', namespace) as OpfsWorkerStore
    try {
      const keys = await store.list()
      const values = await store.get(keys)
      const bad = keys.flatMap((key, i) => {
        if (key !== crashKey(i)) return [`key #${i} is ${key}, not ${crashKey(i)}`]
        const want = crashValue(i)
        const got = values[i]
        return got !== undefined && got.length === want.length && got.every((byte, j) => byte === want[j]) ? [] : [`value of ${key} is torn or wrong (${got?.length ?? 'absent'} bytes, want ${want.length})`]
      })
      return { restored: keys.length, bad: bad.slice(0, 5), recovery: store.recovery }
    } finally {
      await store.close()
    }
  })
}

const held = new Map<string, KeyValueStore>()
let crashAcked = 0
const crashKey = (seq: number): string => `w${String(seq).padStart(8, '0')}`
/** 100-2099 bytes, each a function of seq and position: a torn or misplaced value cannot match. */
const crashValue = (seq: number): Uint8Array => new Uint8Array(100 + (seq * 977) % 2000).map((_, i) => (seq * 31 + i * 7) & 0xff)

const logDir = async (namespace: string): Promise<FileSystemDirectoryHandle> =>
  await (await (await navigator.storage.getDirectory()).getDirectoryHandle(opfsLogDirName)).getDirectoryHandle(encodeName(namespace))

/** `<gen>.log` names, oldest generation first. */
const logFileNames = async (namespace: string): Promise<string[]> => {
  const names: string[] = []
  for await (const name of (await logDir(namespace) as unknown as { keys: () => AsyncIterableIterator<string> }).keys()) if (/^\d+\.log$/.test(name)) names.push(name)
  return names.sort((a, b) => parseInt(a) - parseInt(b))
}

export type StoreProbe = typeof probe

declare global {
  interface Window { storeProbe: StoreProbe }
}

window.storeProbe = probe
