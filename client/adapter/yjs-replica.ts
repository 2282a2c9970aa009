/**
 * The replica half of an adapter whose SDK syncs a Y.Doc holding the suite's
 * todo document (model/todo-doc.ts): ops, state and op ids straight from the
 * doc, and remote op ids reported when the provider applies them.
 *
 * @module client/adapter/yjs-replica
 */
import type * as Y from 'yjs'
import { applyOp, opIdsAddedBy, opsOf } from '../../model/todo-doc.ts'
import { docJson } from '../../model/digest.ts'
import type { AdapterReplica, AdapterReports, DocState } from './contract.ts'

/**
 * @param {Y.Doc} doc the document the provider syncs
 * @param {unknown} providerOrigin the transaction origin the provider applies server updates with
 * @param {AdapterReports} report
 * @param {() => void} destroyProvider tears down the provider (and any socket it does not own); the doc is destroyed after it
 */
export const yjsReplica = (doc: Y.Doc, providerOrigin: unknown, report: AdapterReports, destroyProvider: () => void): AdapterReplica => {
  opsOf(doc).observe(event => { if (event.transaction.origin === providerOrigin) report.remoteOps(opIdsAddedBy(event)) })
  return {
    apply: op => applyOp(doc, op),
    state: () => docJson(doc) as DocState,
    opIds: () => [...opsOf(doc).keys()],
    close: () => {
      destroyProvider()
      doc.destroy()
    }
  }
}
