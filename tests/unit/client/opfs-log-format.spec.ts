/**
 * The opfs-log record format in Node: records round-trip, the index keeps the
 * latest put of each key, and a torn or corrupt tail (cut at every byte of the
 * last record, or one flipped bit) is dropped exactly: the valid prefix ends
 * where the last record began.
 */
import { test, expect } from '@playwright/test'
import { buildIndex, crc32, encodeRecords, opDelete, opPut, opSeal, scanLog, sealRecordBytes } from '../../../client/store/opfs-log-format.ts'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

const sampleLog = (): { bytes: Uint8Array, lastStart: number } => {
  const first = encodeRecords([
    { op: opPut, key: 'a', value: enc('one') },
    { op: opPut, key: 'ü-ключ', value: enc('unicode') },
    { op: opPut, key: 'a', value: enc('two') },
    { op: opDelete, key: 'ü-ключ' }
  ], 0)
  const last = encodeRecords([{ op: opPut, key: 'b', value: new Uint8Array(300).map((_, i) => i % 251) }], first.bytes.length)
  const bytes = new Uint8Array(first.bytes.length + last.bytes.length)
  bytes.set(first.bytes)
  bytes.set(last.bytes, first.bytes.length)
  return { bytes, lastStart: first.bytes.length }
}

test('crc32 matches the IEEE check value', () => {
  expect(crc32(enc('123456789'))).toBe(0xcbf43926)
})

test('records round-trip and the index keeps the latest put of each live key', () => {
  const { bytes } = sampleLog()
  const scan = scanLog(bytes)
  expect(scan.torn).toBeUndefined()
  expect(scan.validEnd).toBe(bytes.length)
  expect(scan.sealed).toBe(false)
  expect(scan.records.map(r => [r.op, r.key])).toEqual([[opPut, 'a'], [opPut, 'ü-ключ'], [opPut, 'a'], [opDelete, 'ü-ключ'], [opPut, 'b']])
  const { index, liveBytes } = buildIndex(scan.records)
  expect([...index.keys()].sort()).toEqual(['a', 'b'])
  const a = index.get('a')!
  expect(new TextDecoder().decode(bytes.subarray(a.valueOffset, a.valueOffset + a.valueLength))).toBe('two')
  expect(liveBytes).toBe(scan.records[2]!.size + scan.records[4]!.size)
})

test('a seal record marks a complete compaction output', () => {
  const { bytes } = encodeRecords([{ op: opPut, key: 'k', value: enc('v') }, { op: opSeal, key: '' }], 0)
  const scan = scanLog(bytes)
  expect(scan.sealed).toBe(true)
  expect(scan.records[1]!.size).toBe(sealRecordBytes)
})

test('a log cut anywhere inside its last record drops exactly that record', () => {
  const { bytes, lastStart } = sampleLog()
  for (let cut = lastStart + 1; cut < bytes.length; cut++) {
    const scan = scanLog(bytes.subarray(0, cut))
    expect(scan.validEnd, `cut at ${cut}`).toBe(lastStart)
    expect(scan.records).toHaveLength(4)
    expect(scan.torn).toBeDefined()
  }
})

test('one flipped bit in the last record, or garbage after it, is caught by the checksum or the length', () => {
  const { bytes, lastStart } = sampleLog()
  for (const at of [lastStart, lastStart + 4, lastStart + 8, lastStart + 12, bytes.length - 1]) {
    const flipped = bytes.slice()
    flipped[at] ^= 0x10
    expect(scanLog(flipped).validEnd, `bit flipped at ${at}`).toBe(lastStart)
  }
  // A file extended with zeros (size grew, bytes never landed) is torn too.
  const zeros = new Uint8Array(bytes.length + 64)
  zeros.set(bytes)
  const scan = scanLog(zeros)
  expect(scan.validEnd).toBe(bytes.length)
  expect(scan.records).toHaveLength(5)
})
