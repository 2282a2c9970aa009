/**
 * Generator health: is the machine running the swarm keeping up? Samples the
 * runner's event-loop delay, host CPU use (all cores, from /proc/stat via
 * os.cpus) and host memory in use, at a fixed interval.
 *
 * @module metrics/generator-health
 */
import os from 'node:os'
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'

export interface HealthSample { t: number, cpuPct: number, memUsedBytes: number, loopLagP99Ms: number }

export interface HealthSummary {
  samples: HealthSample[]
  cpuPctMax: number
  cpuPctMean: number
  loopLagP99MsMax: number
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

  /** @param {number} intervalMs sampling period */
  constructor (intervalMs = 1_000) {
    this.loop = monitorEventLoopDelay({ resolution: 10 })
    this.loop.enable()
    this.timer = setInterval(() => { this.sample() }, intervalMs)
    this.timer.unref()
  }

  private sample (): void {
    const now = cpuTimes()
    const total = now.total - this.last.total
    const cpuPct = total <= 0 ? 0 : 100 * (now.busy - this.last.busy) / total
    this.last = now
    this.samples.push({ t: Date.now(), cpuPct, memUsedBytes: memUsed(), loopLagP99Ms: this.loop.percentile(99) / 1e6 })
    this.loop.reset()
  }

  /** Stops sampling and summarises. */
  stop (): HealthSummary {
    clearInterval(this.timer)
    this.sample()
    this.loop.disable()
    const cpu = this.samples.map(s => s.cpuPct)
    return {
      samples: this.samples,
      cpuPctMax: Math.max(0, ...cpu),
      cpuPctMean: cpu.reduce((a, b) => a + b, 0) / Math.max(1, cpu.length),
      loopLagP99MsMax: Math.max(0, ...this.samples.map(s => s.loopLagP99Ms)),
      memUsedBytesStart: this.memStart,
      memUsedBytesPeak: Math.max(this.memStart, ...this.samples.map(s => s.memUsedBytes))
    }
  }
}
