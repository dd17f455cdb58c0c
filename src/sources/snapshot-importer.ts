import type { AuditActor } from '../audit/audit-event.js'
import type { SourceItem } from './source-records.js'

/**
 * What takes an uploaded snapshot: creates a run of the source, stages the items while the
 * upload streams and queues the run. The sync engine is one; app.ts passes it in, so the
 * sources capability does not depend on sync.
 */
export type SnapshotImporter = (organisation: string, source: string, items: AsyncIterable<SourceItem>, actor: AuditActor) => Promise<{ id: string }>
