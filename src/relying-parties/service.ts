import { cursorKey, decodeCursor, page } from '../http/cursor.js'
import { UnknownRelyingParty } from './errors.js'
import { parseRelyingParty, type RelyingPartyDocument } from './relying-party-document.js'
import type { RelyingPartyRepository, StoredRelyingParty } from './repository.js'
import type { AuditActor } from '../audit/audit-event.js'

/** Changes made by the service itself rather than through the API (the demo seed, tests). */
const SERVICE_ACTOR: AuditActor = { kind: 'system', component: 'behorig' }

export type RelyingPartyView = RelyingPartyDocument & {
  client_id: string
  created_at: string
  updated_at: string
}

export interface RelyingPartyService {
  put (clientId: string, document: unknown, actor?: AuditActor): Promise<{ created: boolean, view: RelyingPartyView }>
  get (clientId: string): Promise<RelyingPartyView>
  list (cursor: string | undefined, limit: number): Promise<{ items: RelyingPartyView[], next_cursor: string | null }>
  delete (clientId: string, actor?: AuditActor): Promise<void>
  /** The relying party if it exists and is not disabled: read from the store every time, so disabling takes effect at once. */
  findEnabled (clientId: string): Promise<StoredRelyingParty | undefined>
}

export function relyingPartyService (deps: { relyingParties: RelyingPartyRepository }): RelyingPartyService {
  const repo = deps.relyingParties
  return {
    async put (clientId, document, actor = SERVICE_ACTOR) {
      const { created, stored } = await repo.put(clientId, parseRelyingParty(document), actor)
      return { created, view: view(stored) }
    },
    async get (clientId) {
      const stored = await repo.find(clientId)
      if (!stored) throw UnknownRelyingParty(`No relying party "${clientId}"`)
      return view(stored)
    },
    async list (cursor, limit) {
      const after = decodeCursor(cursor, cursorKey.text)
      return page((await repo.list(after, limit + 1)).map(view), limit, (v) => v.client_id)
    },
    async delete (clientId, actor = SERVICE_ACTOR) {
      if (!await repo.delete(clientId, actor)) throw UnknownRelyingParty(`No relying party "${clientId}"`)
    },
    async findEnabled (clientId) {
      const stored = await repo.find(clientId)
      return stored && !stored.document.disabled ? stored : undefined
    }
  }
}

function view (stored: StoredRelyingParty): RelyingPartyView {
  return { client_id: stored.clientId, ...stored.document, created_at: stored.createdAt.toISOString(), updated_at: stored.updatedAt.toISOString() }
}
