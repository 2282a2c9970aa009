/**
 * Generator health: is the machine running the swarm keeping up? Samples the
 * runner's event-loop delay, host CPU use (all cores, from /proc/stat via
 * os.cpus), host memory in use and, when given a probe, the round-trip to
 * the browser (CDP), at a fixed interval.
 *
 * @module metrics/generator-health
 */
import os from 'node:os'
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'

export interface HealthSample {
  t: number
  cpuPct: number
  memUsedBytes: number
  loopLagP99Ms: number
  /** The last browser round-trip, or how long the one in flight has waited so far; absent without a probe. */
  roundTripMs?: number
}

/** Times one round-trip to the browser, in ms. */
export type RoundTripProbe = () => Promise<number>

export interface HealthSummary {
  samples: HealthSample[]
  cpuPctMax: number
  cpuPctMean: number
  loopLagP99MsMax: number
  /** Absent without a probe. */
  roundTripMsMax?: number
  memUsedBytesStart: number
  memUsedBytesPeak: number
}

const cpuTimes = (): { busy: number, total: number } => {
  let busy = 0
  let total = 0
  for (const cpu of os.cpus()) {
    const { user, nice, sys, irq, idle } = cpu.times
    busy += user + nice + sys + irq
    total += user + nice + sys + irq + idle
  }
  return { busy, total }
}

const memUsed = (): number => os.totalmem() - os.freemem()

export class GeneratorHealth {
  private readonly samples: HealthSample[] = []
  private readonly loop: IntervalHistogram
  private readonly timer: ReturnType<typeof setInterval>
  private last = cpuTimes()
  private readonly memStart = memUsed()
  private probe: RoundTripProbe | undefined
  private lastRoundTripMs: number | undefined
  /** When the probe in flight started; undefined when none is. */
  private probeStartedAt: number | undefined

  /** @param {number} intervalMs sampling period */
  constructor (intervalMs = 1_000) {
    this.loop = monitorEventLoopDelay({ resolution: 10 })
    this.loop.enable()
    this.timer = setInterval(() => { this.sample() }, intervalMs)
    this.timer.unref()
  }

  /** Adds a round-trip probe, run once per sample (never two at once). */
  setProbe (probe: RoundTripProbe): void {
    this.probe = probe
  }

  private sample (): void {
    const now = cpuTimes()
    const total = now.total - this.last.total
    const cpuPct = total <= 0 ? 0 : 100 * (now.busy - this.last.busy) / total
    this.last = now
    const t = Date.now()
    // A round-trip still in flight counts with what it has waited so far: a hung browser is saturated too.
    const roundTripMs = this.probeStartedAt !== undefined ? Math.max(t - this.probeStartedAt, this.lastRoundTripMs ?? 0) : this.lastRoundTripMs
    this.samples.push({ t, cpuPct, memUsedBytes: memUsed(), loopLagP99Ms: this.loop.percentile(99) / 1e6, ...(roundTripMs === undefined ? {} : { roundTripMs }) })
    this.loop.reset()
    if (this.probe !== undefined && this.probeStartedAt === undefined) {
      this.probeStartedAt = t
      this.probe().then(ms => { this.lastRoundTripMs = ms }, () => { this.lastRoundTripMs = undefined }).finally(() => { this.probeStartedAt = undefined })
    }
  }

  /** Stops sampling and summarises. */
  stop (): HealthSummary {
    clearInterval(this.timer)
    this.probe = undefined
    this.sample()
    this.loop.disable()
    const cpu = this.samples.map(s => s.cpuPct)
    return {
      samples: this.samples,
      cpuPctMax: Math.max(0, ...cpu),
      cpuPctMean: cpu.reduce((a, b) => a + b, 0) / Math.max(1, cpu.length),
      loopLagP99MsMax: Math.max(0, ...this.samples.map(s => s.loopLagP99Ms)),
      ...(this.samples.some(s => s.roundTripMs !== undefined) ? { roundTripMsMax: Math.max(0, ...this.samples.map(s => s.roundTripMs ?? 0)) } : {}),
      memUsedBytesStart: this.memStart,
      memUsedBytesPeak: Math.max(this.memStart, ...this.samples.map(s => s.memUsedBytes))
    }
  }
}
