/**
 * The record format of the opfs-log store (client/store/opfs-log-engine.ts):
 * one append-only log file per namespace, a sequence of records
 *
 *   [crc : u32 LE][length : u32 LE][op : u8][keyLength : u16 LE][key : UTF-8][value]
 *
 * `length` counts the bytes after it (op, keyLength, key, value); `crc` is
 * CRC-32 (IEEE) over `length` and those bytes, so a torn length, header or
 * value is caught. op: 1 put, 2 delete (no value), 3 seal (no key, no value:
 * the last record a compaction writes, marking its output complete).
 *
 * scanLog reads records from the start and stops at the first one that is
 * cut short or fails its checksum: everything before it is the valid prefix,
 * everything from it on is a torn tail that the engine truncates. Pure
 * functions, no I/O, so they run (and are tested) anywhere.
 *
 * @module client/store/opfs-log-format
 */

export const opPut = 1
export const opDelete = 2
export const opSeal = 3

/** crc + length */
export const headerBytes = 8
/** op + keyLength */
const bodyFixedBytes = 3
/** A seal record: no key, no value. */
export const sealRecordBytes = headerBytes + bodyFixedBytes
const maxKeyBytes = 0xffff

const crcTable = ((): Uint32Array => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/**
 * @param {Uint8Array} bytes
 * @param {number} start
 * @param {number} end exclusive
 * @return {number} CRC-32 (IEEE 802.3) of bytes[start, end), unsigned
 */
export const crc32 = (bytes: Uint8Array, start = 0, end = bytes.length): number => {
  let c = 0xffffffff
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** One record to encode; `key` is empty for a seal, `value` only for a put. */
export interface LogRecordInput { op: typeof opPut | typeof opDelete | typeof opSeal, key: string, value?: Uint8Array }

/** Where a record lies in its file. */
export interface LogRecord {
  op: typeof opPut | typeof opDelete | typeof opSeal
  key: string
  /** Offset of the record's first byte. */
  offset: number
  /** Whole record, header included. */
  size: number
  valueOffset: number
  valueLength: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Encodes records back to back into one buffer (one write, one flush).
 * @param {LogRecordInput[]} records
 * @param {number} at the file offset the buffer will be written at: the returned records carry file offsets
 * @return {{ bytes: Uint8Array, records: LogRecord[] }}
 * @throws RangeError when a key encodes to more than 65535 bytes
 */
export const encodeRecords = (records: LogRecordInput[], at: number): { bytes: Uint8Array, records: LogRecord[] } => {
  const keys = records.map(r => encoder.encode(r.key))
  let total = 0
  for (const [i, r] of records.entries()) {
    if (keys[i]!.length > maxKeyBytes) throw new RangeError(`key ${JSON.stringify(r.key.slice(0, 40))} encodes to ${keys[i]!.length} bytes, more than a log record holds (65535)`)
    total += headerBytes + bodyFixedBytes + keys[i]!.length + (r.value?.byteLength ?? 0)
  }
  const bytes = new Uint8Array(total)
  const view = new DataView(bytes.buffer)
  const placed: LogRecord[] = []
  let pos = 0
  for (const [i, r] of records.entries()) {
    const key = keys[i]!
    const valueLength = r.value?.byteLength ?? 0
    const length = bodyFixedBytes + key.length + valueLength
    view.setUint32(pos + 4, length, true)
    bytes[pos + 8] = r.op
    view.setUint16(pos + 9, key.length, true)
    bytes.set(key, pos + 11)
    if (r.value !== undefined) bytes.set(r.value, pos + 11 + key.length)
    view.setUint32(pos, crc32(bytes, pos + 4, pos + headerBytes + length), true)
    placed.push({ op: r.op, key: r.key, offset: at + pos, size: headerBytes + length, valueOffset: at + pos + 11 + key.length, valueLength })
    pos += headerBytes + length
  }
  return { bytes, records: placed }
}

/** What scanLog found. */
export interface LogScan {
  /** Every valid record, in file order. */
  records: LogRecord[]
  /** End of the valid prefix: the file is truncated here. */
  validEnd: number
  /** A seal record is in the valid prefix (the file is a complete compaction output). */
  sealed: boolean
  /** Why the scan stopped before the end, or undefined when every byte was valid. */
  torn?: string
}

/**
 * Reads records from the start of a log; stops at the first cut-short or corrupt one.
 * @param {Uint8Array} bytes the whole file
 * @return {LogScan}
 */
export const scanLog = (bytes: Uint8Array): LogScan => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const records: LogRecord[] = []
  let sealed = false
  let pos = 0
  const stop = (torn: string): LogScan => ({ records, validEnd: pos, sealed, torn })
  while (pos < bytes.length) {
    if (bytes.length - pos < headerBytes) return stop(`a ${bytes.length - pos}-byte header at offset ${pos} is cut short`)
    const length = view.getUint32(pos + 4, true)
    if (length < bodyFixedBytes || length > bytes.length - pos - headerBytes) return stop(`the record at offset ${pos} claims ${length} bytes, ${bytes.length - pos - headerBytes} remain`)
    if (crc32(bytes, pos + 4, pos + headerBytes + length) !== view.getUint32(pos, true)) return stop(`the record at offset ${pos} fails its checksum`)
    const op = bytes[pos + 8]!
    const keyLength = view.getUint16(pos + 9, true)
    if ((op !== opPut && op !== opDelete && op !== opSeal) || keyLength > length - bodyFixedBytes) return stop(`the record at offset ${pos} has op ${op} and a ${keyLength}-byte key: not a record this store writes`)
    let key: string
    try {
      key = decoder.decode(bytes.subarray(pos + 11, pos + 11 + keyLength))
    } catch {
      return stop(`the key of the record at offset ${pos} is not UTF-8`)
    }
    const valueOffset = pos + 11 + keyLength
    records.push({ op: op as LogRecord['op'], key, offset: pos, size: headerBytes + length, valueOffset, valueLength: pos + headerBytes + length - valueOffset })
    if (op === opSeal) sealed = true
    pos += headerBytes + length
  }
  return { records, validEnd: pos, sealed }
}

/** Where a live key's value lies, and the size of the record holding it. */
export interface IndexEntry { valueOffset: number, valueLength: number, size: number }

/**
 * The in-memory index of a log: the latest put of each key not deleted since.
 * @param {LogRecord[]} records in file order
 * @return {{ index: Map<string, IndexEntry>, liveBytes: number }} liveBytes = sizes of the records the index points at
 */
export const buildIndex = (records: LogRecord[]): { index: Map<string, IndexEntry>, liveBytes: number } => {
  const index = new Map<string, IndexEntry>()
  let liveBytes = 0
  for (const r of records) {
    if (r.op === opSeal) continue
    const old = index.get(r.key)
    if (old !== undefined) liveBytes -= old.size
    if (r.op === opDelete) {
      index.delete(r.key)
      continue
    }
    index.set(r.key, { valueOffset: r.valueOffset, valueLength: r.valueLength, size: r.size })
    liveBytes += r.size
  }
  return { index, liveBytes }
}
