/**
 * The faulty relay (tests/detectors/targets/faulty-relay.ts) as a command
 * target: one deliberately broken server per fault, or a correct one (`none`).
 */
import path from 'node:path'
import type { TargetSpec } from '../../../fixtures/support/target-spec.ts'

const relay = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../targets/faulty-relay.ts')

/**
 * @param {string} fault e.g. `drop-updates:50`, `refuse:10`, `none`
 * @param {{ ack?: boolean }} options `ack`: it acknowledges writes (in memory only)
 */
export const faultyRelay = (fault: string, { ack = false }: { ack?: boolean } = {}): TargetSpec => ({
  kind: 'command',
  command: `node --import tsx ${relay} --port {port} --fault ${fault}${ack ? ' --ack' : ''}`,
  label: `faulty-relay ${fault}${ack ? ' (acks)' : ''}`
})
