/**
 * The y-websocket wire protocol, plus syncstorm's durable-write acknowledgement.
 *
 * Every WebSocket message is one binary frame:
 *
 *   [messageType : varUint, payload ...]
 *
 * | type | name            | payload                                                   |
 * |------|-----------------|-----------------------------------------------------------|
 * | 0    | sync            | [syncType : varUint (0 step1, 1 step2, 2 update), bytes]  |
 * | 1    | awareness       | [update : varUint8Array]                                  |
 * | 2    | auth            | [0 = permission denied : varUint, reason : varString]     |
 * | 3    | queryAwareness  | (empty)                                                   |
 * | 100  | ack             | [durableCount : varUint]                                  |
 *
 * Exchange (client/server, as y-websocket):
 *   client -> step1(sv)            server -> step2(diff), step1(sv)
 *   client -> step2(diff)          then updates flow both ways.
 *
 * Acknowledgement extension (type 100, unused by y-websocket):
 *   A client opts in with the query parameter `ack=1`. The server then sends
 *   `ack(0)` before anything else on that connection, which announces that it
 *   acknowledges. After that, `ack(n)` means: the first n document-writing sync
 *   messages (step2 or update) that this connection sent are written and flushed
 *   to disk. n is cumulative and never decreases on a connection. A server that
 *   does not know type 100 never sends it, and the client reports "no ack".
 *
 * @module protocol/wire
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'

export const messageSync = 0
export const messageAwareness = 1
export const messageAuth = 2
export const messageQueryAwareness = 3
export const messageAck = 100

export const syncStep1 = 0
export const syncStep2 = 1
export const syncUpdate = 2

/** Query parameter by which a client asks for acknowledgements. */
export const ackQueryParam = 'ack'

/**
 * Thrown by the read functions when a frame is not valid.
 * `reason` is one sentence meant for the peer that sent it.
 */
export class FrameError extends Error {
  constructor (reason: string) {
    super(reason)
    this.name = 'FrameError'
  }
}

/** A decoded frame. Byte arrays are views into the received buffer. */
export type Frame =
  | { type: 'sync', syncType: 0 | 1 | 2, payload: Uint8Array }
  | { type: 'awareness', update: Uint8Array }
  | { type: 'auth', denied: true, reason: string }
  | { type: 'queryAwareness' }
  | { type: 'ack', durableCount: number }
  | { type: 'unknown', messageType: number }

/**
 * @param {encoding.Encoder} encoder
 * @param {0|1|2} syncType
 * @param {Uint8Array} payload state vector (step1) or update (step2, update)
 */
export const writeSync = (encoder: encoding.Encoder, syncType: 0 | 1 | 2, payload: Uint8Array): void => {
  encoding.writeVarUint(encoder, messageSync)
  encoding.writeVarUint(encoder, syncType)
  encoding.writeVarUint8Array(encoder, payload)
}

/**
 * @param {encoding.Encoder} encoder
 * @param {Uint8Array} update an awareness update (y-protocols/awareness encodeAwarenessUpdate)
 */
export const writeAwareness = (encoder: encoding.Encoder, update: Uint8Array): void => {
  encoding.writeVarUint(encoder, messageAwareness)
  encoding.writeVarUint8Array(encoder, update)
}

/** @param {encoding.Encoder} encoder */
export const writeQueryAwareness = (encoder: encoding.Encoder): void => {
  encoding.writeVarUint(encoder, messageQueryAwareness)
}

/**
 * @param {encoding.Encoder} encoder
 * @param {string} reason why permission was denied
 */
export const writeAuthDenied = (encoder: encoding.Encoder, reason: string): void => {
  encoding.writeVarUint(encoder, messageAuth)
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarString(encoder, reason)
}

/**
 * @param {encoding.Encoder} encoder
 * @param {number} durableCount cumulative count of durable writing messages on this connection
 */
export const writeAck = (encoder: encoding.Encoder, durableCount: number): void => {
  encoding.writeVarUint(encoder, messageAck)
  encoding.writeVarUint(encoder, durableCount)
}

/** Encodes one frame with the given writer. */
export const encodeFrame = (write: (encoder: encoding.Encoder) => void): Uint8Array => {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

/**
 * Decodes and checks one frame. Unknown message types decode to `{ type: 'unknown' }`
 * so that the caller can skip them, as y-websocket peers do.
 *
 * @param {Uint8Array} data the whole frame
 * @return {Frame}
 * @throws {FrameError} when the frame is empty, truncated, or has trailing bytes.
 *   Returned arrays are views into `data`: copy them before `data` is reused.
 */
export const readFrame = (data: Uint8Array): Frame => {
  if (data.byteLength === 0) throw new FrameError('empty frame: every message starts with a varUint message type')
  const decoder = decoding.createDecoder(data)
  try {
    const frame = readFrameBody(decoder)
    if (frame.type !== 'unknown' && decoding.hasContent(decoder)) {
      throw new FrameError(`frame of type ${frame.type} has ${data.byteLength - decoder.pos} unexpected trailing bytes`)
    }
    return frame
  } catch (err) {
    if (err instanceof FrameError) throw err
    throw new FrameError(`truncated or malformed frame (${data.byteLength} bytes): ${(err as Error).message}`)
  }
}

const readFrameBody = (decoder: decoding.Decoder): Frame => {
  const messageType = readBoundedVarUint(decoder)
  switch (messageType) {
    case messageSync: {
      const syncType = readBoundedVarUint(decoder)
      if (syncType !== syncStep1 && syncType !== syncStep2 && syncType !== syncUpdate) {
        throw new FrameError(`unknown sync message type ${syncType}: expected 0 (step1), 1 (step2) or 2 (update)`)
      }
      return { type: 'sync', syncType, payload: readLengthPrefixed(decoder) }
    }
    case messageAwareness:
      return { type: 'awareness', update: readLengthPrefixed(decoder) }
    case messageAuth: {
      const denied = readBoundedVarUint(decoder)
      if (denied !== 0) throw new FrameError(`unknown auth message type ${denied}`)
      return { type: 'auth', denied: true, reason: decoding.readVarString(decoder) }
    }
    case messageQueryAwareness:
      return { type: 'queryAwareness' }
    case messageAck:
      return { type: 'ack', durableCount: readBoundedVarUint(decoder) }
    default:
      return { type: 'unknown', messageType }
  }
}

/** lib0 reads past the end as undefined/NaN in places; check bounds ourselves. */
const readBoundedVarUint = (decoder: decoding.Decoder): number => {
  const start = decoder.pos
  let n = 0
  let shift = 0
  for (;;) {
    if (decoder.pos >= decoder.arr.length) throw new FrameError(`truncated varint at byte ${start}`)
    const byte = decoder.arr[decoder.pos++]
    n += (byte & 0x7f) * 2 ** shift
    shift += 7
    if (byte < 0x80) return n
    if (shift > 49) throw new FrameError(`varint at byte ${start} is longer than 7 bytes`)
  }
}

const readLengthPrefixed = (decoder: decoding.Decoder): Uint8Array => {
  const len = readBoundedVarUint(decoder)
  const remaining = decoder.arr.length - decoder.pos
  if (len > remaining) throw new FrameError(`length prefix says ${len} bytes but only ${remaining} remain`)
  const view = decoder.arr.subarray(decoder.pos, decoder.pos + len)
  decoder.pos += len
  return view
}
