/**
 * Test page running the official y-websocket WebsocketProvider (BroadcastChannel
 * off, DESIGN §3) on the todo document. Puts `window.officialProvider` on the page.
 */
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { applyOp, opsOf, workloadOpSchema, type WorkloadOp } from '../../../model/todo-doc.ts'
import { digestDoc } from '../../../model/digest.ts'

const doc = new Y.Doc()
let provider: WebsocketProvider | undefined

const officialProvider = {
  start: (url: string, room: string): void => {
    provider = new WebsocketProvider(url, room, doc, { disableBc: true })
  },
  synced: (): boolean => provider?.synced === true,
  apply: (op: WorkloadOp): void => { applyOp(doc, workloadOpSchema.parse(op), 'official') },
  opIds: (): string[] => [...opsOf(doc).keys()],
  digest: async (): Promise<string> => digestDoc(doc),
  stop: (): void => { provider?.destroy() }
}

declare global {
  interface Window { officialProvider: typeof officialProvider }
}
window.officialProvider = officialProvider
document.title = 'official provider ready'
