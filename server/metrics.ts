/**
 * The server's Prometheus metrics (prom-client, one registry per server).
 *
 * Per-message counts are plain numbers bumped on the hot path and copied into
 * prom-client only when /metrics is scraped: labelled `inc()` per message costs
 * a label lookup that the relay path should not pay.
 *
 * @module server/metrics
 */
import client from 'prom-client'
import { serverErrors } from './errors.ts'
import type { StorageObserver } from './storage/doc-log.ts'

/** Message kinds, used as the `type` label. Index = `MessageKind`. */
export const messageKinds = ['sync_step1', 'sync_step2', 'sync_update', 'awareness', 'query_awareness', 'auth', 'ack', 'unknown'] as const
export type MessageKind = number

/** Index of a kind in `messageKinds`. */
export const kind = {
  syncStep1: 0,
  syncStep2: 1,
  syncUpdate: 2,
  awareness: 3,
  queryAwareness: 4,
  auth: 5,
  ack: 6,
  unknown: 7
} as const

interface Logger {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
  error (obj: object, msg: string): void
}

/** All metrics of one server. */
export class ServerMetrics implements StorageObserver {
  readonly registry = new client.Registry()
  readonly messagesIn = new Float64Array(messageKinds.length)
  readonly bytesIn = new Float64Array(messageKinds.length)
  readonly messagesOut = new Float64Array(messageKinds.length)
  readonly bytesOut = new Float64Array(messageKinds.length)
  connections = 0
  loadedDocs: () => number = () => 0

  private readonly flushSeconds: client.Histogram
  private readonly flushRecords: client.Histogram
  private readonly fsyncs: client.Counter
  private readonly corruptTails: client.Counter
  private readonly compactions: client.Counter
  private readonly storageFailures: client.Counter
  private readonly closedByReason: client.Counter<'reason'>

  constructor (private readonly log: Logger) {
    const registers = [this.registry]
    client.collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 })
    const self = this
    new client.Gauge({ name: 'sync_connections', help: 'Open WebSocket connections.', registers, collect () { this.set(self.connections) } })
    new client.Gauge({ name: 'sync_loaded_docs', help: 'Documents loaded in memory.', registers, collect () { this.set(self.loadedDocs()) } })
    const perKind = (name: string, help: string, values: Float64Array): void => {
      new client.Counter({
        name,
        help,
        labelNames: ['type'],
        registers,
        collect () {
          this.reset()
          messageKinds.forEach((type, i) => { if (values[i] > 0) this.inc({ type }, values[i]) })
        }
      })
    }
    perKind('sync_messages_in_total', 'Messages received, by type.', this.messagesIn)
    perKind('sync_bytes_in_total', 'Bytes received, by message type.', this.bytesIn)
    perKind('sync_messages_out_total', 'Messages sent, by type (a relayed frame counts once per peer).', this.messagesOut)
    perKind('sync_bytes_out_total', 'Bytes sent, by message type.', this.bytesOut)
    this.flushSeconds = new client.Histogram({
      name: 'sync_flush_duration_seconds',
      help: 'Time of one group commit: write plus fdatasync.',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers
    })
    this.flushRecords = new client.Histogram({
      name: 'sync_flush_records',
      help: 'Records written by one group commit.',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024],
      registers
    })
    this.fsyncs = new client.Counter({ name: 'sync_fsyncs_total', help: 'fdatasync calls for log appends.', registers })
    this.corruptTails = new client.Counter({ name: 'sync_corrupt_tails_truncated_total', help: 'Torn or corrupt log tails truncated on load.', registers })
    this.compactions = new client.Counter({ name: 'sync_compactions_total', help: 'Log compactions.', registers })
    this.storageFailures = new client.Counter({ name: 'sync_storage_failures_total', help: 'Failed log writes or compactions.', registers })
    this.closedByReason = new client.Counter({
      name: 'sync_connections_closed_total',
      help: 'Connections closed, by reason (a SYNC_ERR_* code, or client).',
      labelNames: ['reason'],
      registers
    })
  }

  /** Counts a closed connection. @param {string} reason SYNC_ERR_* code or 'client' */
  closed (reason: string): void {
    this.closedByReason.inc({ reason })
  }

  flushed (records: number, _bytes: number, seconds: number): void {
    this.fsyncs.inc()
    this.flushRecords.observe(records)
    this.flushSeconds.observe(seconds)
  }

  corruptTail (docName: string, problem: string, droppedBytes: number): void {
    this.corruptTails.inc()
    this.log.warn({ docName, problem, droppedBytes }, `SYNC_ERR_CORRUPT_TAIL: ${serverErrors.SYNC_ERR_CORRUPT_TAIL.message}; the records before it are kept`)
  }

  compacted (docName: string, beforeBytes: number, afterBytes: number): void {
    this.compactions.inc()
    this.log.info({ docName, beforeBytes, afterBytes }, 'compacted document log')
  }

  failed (docName: string, err: Error): void {
    this.storageFailures.inc()
    this.log.error({ docName, err }, 'SYNC_ERR_STORAGE: document log write failed')
  }

  journalReplayed (records: number): void {
    this.log.warn({ records }, 'replayed the journal of an unclean stop into the document logs')
  }

  /** Prometheus text exposition. */
  async text (): Promise<string> {
    return this.registry.metrics()
  }
}
