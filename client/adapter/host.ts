/**
 * The harness API over any adapter: the reference replica host
 * (client/replica-host.ts) with adapter replicas in place of SyncClients.
 * The browser page and Node replicas use the same function with their own
 * WebSocket class.
 *
 * @module client/adapter/host
 */
import { createReplicaHost, type ReplicaHost, type ReplicaHostDeps } from '../replica-host.ts'
import type { WebSocketConstructor } from '../sync-client.ts'
import { AdapterClient } from './adapter-client.ts'
import type { Adapter } from './contract.ts'

/**
 * @param {Adapter} adapter checked with checkAdapter (client/adapter/contract.ts)
 * @param {WebSocketConstructor} WebSocket the browser's WebSocket or `ws`
 * @param {string} hostName for error messages
 * @param storeBench the browser's storage benchmark: it measures the browser, whatever the client
 * @return {ReplicaHost<AdapterClient>}
 */
export const createAdapterHost = (adapter: Adapter, WebSocket: WebSocketConstructor, hostName: string, storeBench?: ReplicaHostDeps['storeBench']): ReplicaHost<AdapterClient> =>
  createReplicaHost<AdapterClient>({ WebSocket, hostName, storeBench, createClient: options => new AdapterClient(adapter, options, WebSocket) })
