/**
 * Rooms: which document each replica of a scenario works on, and how work
 * over many rooms is spread. Pure. Without a rooms setting every replica is
 * in the test's one room (`target.docName`).
 *
 * @module oracle/rooms
 */
import type { Rooms } from '../scenarios/base.ts'

/**
 * @param {number} index replica position in the spawn (browser replicas first, then Node)
 * @param {number} total replicas in the spawn
 * @param {Rooms} rooms
 * @return {number} the room index, in [0, roomCount(total, rooms))
 */
export const roomIndex = (index: number, total: number, rooms: Rooms): number => {
  const count = roomCount(total, rooms)
  const perRoom = rooms.perRoom ?? Math.ceil(total / count)
  return rooms.spread === 'fill' ? Math.min(count - 1, Math.floor(index / perRoom)) : index % count
}

/** How many rooms `total` replicas use. */
export const roomCount = (total: number, rooms: Rooms): number =>
  Math.max(1, rooms.count ?? Math.ceil(total / (rooms.perRoom ?? 1)))

/**
 * @param {string} base the test's room (`target.docName`)
 * @param {string} prefix tells groups of rooms apart (e.g. `n` for Node sessions, `b` for browser ones)
 * @param {number} index
 */
export const roomName = (base: string, prefix: string, index: number): string => `${base}-${prefix}${index}`

/**
 * Pure: items grouped by room, in first-seen order.
 * @param {T[]} items
 * @param {(item: T) => string} roomOf
 */
export const groupByRoom = <T>(items: T[], roomOf: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const room = roomOf(item)
    const group = groups.get(room)
    if (group === undefined) groups.set(room, [item])
    else group.push(item)
  }
  return groups
}

/** Runs `work` over `items`, at most `limit` at a time, in order of start. */
export const inBatches = async <T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array(items.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index]!, index)
    }
  }))
  return results
}
