import type { Principal } from '../auth/principal.js'
import { newApiKey, sha256Hex } from '../auth/secrets.js'
import type { OrganisationRepository } from '../organisations/repository.js'
import { UnknownOrganisation } from '../organisations/errors.js'
import type { ApiKeyRepository } from './repository.js'
import type { ApiKeyInput } from './schemas.js'
import { ScopeEscalation, UnknownApiKey } from './errors.js'
import { actorOf, type AuditActor } from '../audit/audit-event.js'

export function apiKeyService (deps: { apiKeys: ApiKeyRepository, organisations: OrganisationRepository }) {
  return {
    async create (organisation: string, input: ApiKeyInput, creator: Principal) {
      if (creator.kind === 'api-key') {
        const missing = input.scopes.filter((s) => !creator.scopes.includes(s))
        if (missing.length > 0) throw ScopeEscalation({ detail: `The creating key lacks: ${missing.join(', ')}` })
      }
      if (!await deps.organisations.find(organisation)) throw UnknownOrganisation(`No organisation ${organisation}`)
      const { id, secret, key } = newApiKey()
      const stored = await deps.apiKeys.insert({ id, organisation, name: input.name ?? null, scopes: input.scopes, secret_hash: sha256Hex(secret) }, actorOf(creator))
      return { ...stored, key }
    },

    async revoke (organisation: string, id: string, actor: AuditActor): Promise<void> {
      if (!await deps.apiKeys.revoke(organisation, id, actor)) throw UnknownApiKey(`No active key ${id} in ${organisation}`)
    },

    list: (organisation: string) => deps.apiKeys.listActive(organisation)
  }
}

export type ApiKeyService = ReturnType<typeof apiKeyService>
