/**
 * Log record codec. A document log is a sequence of records:
 *
 *   [length : u32 LE][crc32(payload) : u32 LE][payload : length bytes]
 *
 * The payload is one Yjs update. A crash can leave a torn record at the end
 * (short header, short payload) and a bad disk a corrupt one (CRC mismatch);
 * `scanRecords` stops at the first such record so the caller can truncate it.
 *
 * @module server/storage/record
 */
import { crc32 } from 'node:zlib'

export const recordHeaderBytes = 8
/** Larger lengths are treated as corruption, not as a huge allocation. */
export const maxRecordBytes = 1 << 30

/**
 * Encodes many payloads into one buffer, so a flush is a single write.
 * @param {Uint8Array[]} payloads
 * @return {Buffer}
 */
export const encodeRecords = (payloads: readonly Uint8Array[]): Buffer => {
  let total = 0
  for (const p of payloads) total += recordHeaderBytes + p.byteLength
  const out = Buffer.allocUnsafe(total)
  let offset = 0
  for (const p of payloads) {
    out.writeUInt32LE(p.byteLength, offset)
    out.writeUInt32LE(crc32(p), offset + 4)
    out.set(p, offset + recordHeaderBytes)
    offset += recordHeaderBytes + p.byteLength
  }
  return out
}

/** What a scan found: the payloads, and where the valid prefix ends. */
export interface ScanResult {
  payloads: Uint8Array[]
  /** Length of the valid prefix; bytes after it are a torn or corrupt tail. */
  validBytes: number
  /** Why the tail is bad, when there is one. */
  tailProblem: string | null
}

/**
 * Reads records until the end or the first bad one.
 * @param {Uint8Array} data the whole log file
 * @return {ScanResult} payloads are views into `data`
 */
export const scanRecords = (data: Uint8Array): ScanResult => {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const payloads: Uint8Array[] = []
  let offset = 0
  while (offset < data.byteLength) {
    const remaining = data.byteLength - offset
    if (remaining < recordHeaderBytes) {
      return { payloads, validBytes: offset, tailProblem: `torn header (${remaining} bytes) at offset ${offset}` }
    }
    const length = view.getUint32(offset, true)
    const sum = view.getUint32(offset + 4, true)
    if (length > maxRecordBytes || length > remaining - recordHeaderBytes) {
      return { payloads, validBytes: offset, tailProblem: `torn record (length ${length}, ${remaining - recordHeaderBytes} bytes left) at offset ${offset}` }
    }
    const payload = data.subarray(offset + recordHeaderBytes, offset + recordHeaderBytes + length)
    if (crc32(payload) !== sum) {
      return { payloads, validBytes: offset, tailProblem: `CRC mismatch in record at offset ${offset}` }
    }
    payloads.push(payload)
    offset += recordHeaderBytes + length
  }
  return { payloads, validBytes: offset, tailProblem: null }
}
