/**
 * The harness API in Node, for protocol-level replicas (DESIGN §3): the same
 * client over the `ws` WebSocket. Node has no browser storage, so only store
 * 'none' is accepted.
 *
 * @module client/harness/node-host
 */
import WebSocket from 'ws'
import { createReplicaHost, type ReplicaHost } from '../replica-host.ts'

/** @return {ReplicaHost} a harness host whose replicas live in this process */
export const createNodeHost = (): ReplicaHost => createReplicaHost({ WebSocket, hostName: 'the Node host' })
