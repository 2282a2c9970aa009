/**
 * Reads the few figures the suite samples from a Prometheus text exposition
 * (`GET /metrics`). Pure: text in, numbers out.
 *
 * @module metrics/prometheus
 */

/** Server figures sampled over a run (DESIGN §4 "server figures"), by series name. */
export const sampledServerMetrics: Record<string, string> = {
  connections: 'sync_connections',
  loadedDocs: 'sync_loaded_docs',
  rssBytes: 'process_resident_memory_bytes',
  eventLoopLagP99Seconds: 'nodejs_eventloop_lag_p99_seconds'
}

/**
 * The value of each named metric's unlabelled sample (or, for a labelled one,
 * the sum over its labels). Names absent from the text are absent from the result.
 * @param {string} text Prometheus text format
 * @param {string[]} names metric names, e.g. `sync_connections`
 * @return {Record<string, number>}
 */
export const readPrometheus = (text: string, names: string[]): Record<string, number> => {
  const wanted = new Set(names)
  const values: Record<string, number> = {}
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.length === 0) continue
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line)
    if (match === null || !wanted.has(match[1]!)) continue
    const value = Number(match[3])
    if (Number.isFinite(value)) values[match[1]!] = (values[match[1]!] ?? 0) + value
  }
  return values
}
