import type { Principal } from '../auth/principal.js'
import { newApiKey, sha256Hex } from '../auth/secrets.js'
import type { OrganisationRepository } from '../organisations/repository.js'
import { UnknownOrganisation } from '../organisations/errors.js'
import type { ApiKeyRepository } from './repository.js'
import type { ApiKeyInput } from './schemas.js'
import { ScopeEscalation, UnknownApiKey } from './errors.js'
import { actorOf } from '../audit/audit-event.js'

export function apiKeyService (deps: { apiKeys: ApiKeyRepository, organisations: OrganisationRepository }) {
  return {
    async create (organisation: string, input: ApiKeyInput, creator: Principal) {
      requireScopesOf(creator, input.scopes, 'create')
      if (!await deps.organisations.find(organisation)) throw UnknownOrganisation(`No organisation ${organisation}`)
      const { id, secret, key } = newApiKey()
      const stored = await deps.apiKeys.insert({ id, organisation, name: input.name ?? null, scopes: input.scopes, secret_hash: sha256Hex(secret) }, actorOf(creator))
      return { ...stored, key }
    },

    async revoke (organisation: string, id: string, revoker: Principal): Promise<void> {
      const unknown = () => UnknownApiKey(`No active key ${id} in ${organisation}`)
      if (revoker.kind === 'api-key') {
        // A key's scopes never change, so this read cannot go stale before the revocation.
        const target = await deps.apiKeys.findActiveKey(id)
        if (target?.organisation !== organisation) throw unknown()
        requireScopesOf(revoker, target.scopes, 'revoke')
      }
      if (!await deps.apiKeys.revoke(organisation, id, actorOf(revoker))) throw unknown()
    },

    list: (organisation: string) => deps.apiKeys.listActive(organisation)
  }
}

/**
 * An organisation key acts only on keys whose scopes are a subset of its own: it can
 * neither mint a stronger key nor switch one off. The platform admin may do both.
 */
function requireScopesOf (principal: Principal, scopes: readonly string[], action: 'create' | 'revoke'): void {
  if (principal.kind !== 'api-key') return
  const missing = scopes.filter((s) => !(principal.scopes as readonly string[]).includes(s))
  if (missing.length > 0) throw ScopeEscalation({ detail: `The ${action === 'create' ? 'creating' : 'revoking'} key lacks: ${missing.join(', ')}`, extensions: { missing_scopes: missing } })
}

export type ApiKeyService = ReturnType<typeof apiKeyService>
