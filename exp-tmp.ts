import { Worker } from 'node:worker_threads'
import { mkdtemp } from 'node:fs/promises'
import { spawnServer } from './server/spawn.ts'
const ack = process.argv[2] === 'ack'
const dataDir = await mkdtemp('/tmp/exp-data-')
const server = await spawnServer({ dataDir, env: { SYNC_LOG_LEVEL: 'warn', SYNC_RATE_LIMIT_PER_SEC: '100000', SYNC_RATE_LIMIT_BURST: '100000' } })
const entry = new URL('./bench/server-load.worker.ts', import.meta.url).href
const w = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}) })`, { eval: true, workerData: { url: server.url, connections: 1000, rooms: 500, updatesPerSec: 20, durationMs: 10000, ack } })
const r: any = await new Promise(res => w.once('message', res))
console.log(ack, JSON.stringify({ d: r.result.delivery, a: r.result.ack, lag: r.result.generatorLagP99Ms, sent: r.result.sent }))
const m = await (await fetch(`${server.httpUrl}/metrics`)).text()
console.log(m.split('\n').filter(l => /^(sync_flush_duration_seconds_(sum|count)|sync_flush_records_(sum|count)|nodejs_eventloop_lag_(p99|max|mean)_seconds|sync_fsyncs_total)/.test(l)).join('\n'))
await w.terminate()
await server.stop()
