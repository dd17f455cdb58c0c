import type { Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { AuditEventInput } from '../audit/audit-event.js'
import { appendAudit } from '../audit/audit-log.js'

/** Records one token-endpoint event. */
export type RecordAudit = (event: AuditEventInput) => Promise<void>

/** Token-endpoint events go on the platform chain, committed before the answer leaves. */
export function tokenEndpointAudit (db: Kysely<Database>): RecordAudit {
  return (event) => db.transaction().execute((trx) => appendAudit(trx, [event]))
}
