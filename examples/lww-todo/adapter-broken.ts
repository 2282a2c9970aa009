/**
 * A deliberately broken variant of the example adapter: it applies remote
 * deletes only after a reload (a fresh load of the document), the kind of bug
 * a cache-first SDK ships. Its replicas keep todos that every other replica
 * deleted; the suite's oracle must report the divergence
 * (tests/detectors/adapters.spec.ts).
 *
 * @module examples/lww-todo/adapter-broken
 */
import { createLwwAdapter } from './adapter.ts'

export default createLwwAdapter({ name: 'example-lww-broken', deferRemoteDeletes: true })
