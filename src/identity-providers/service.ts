import type { ProblemFieldError } from '../http/problem.js'
import { keySetErrors, type ClientJwk } from '../relying-parties/relying-party-document.js'
import { UnknownOrganisation } from '../organisations/errors.js'
import type { OrganisationRepository } from '../organisations/repository.js'
import { IdentityProviderInvalid, IdentityProviderIssuerTaken, UnknownIdentityProvider } from './errors.js'
import type { IdentityProviderRepository, StoredIdentityProvider } from './repository.js'
import type { IdentityProviderDocument } from './schemas.js'
import type { AuditActor } from '../audit/audit-event.js'

export type IdentityProviderView = IdentityProviderDocument & { organisation: string, created_at: string, updated_at: string }

export function identityProviderService (deps: { identityProviders: IdentityProviderRepository, organisations: Pick<OrganisationRepository, 'find'> }) {
  const repo = deps.identityProviders
  return {
    async put (organisation: string, document: IdentityProviderDocument, actor: AuditActor): Promise<{ created: boolean, view: IdentityProviderView }> {
      if (!await deps.organisations.find(organisation)) throw UnknownOrganisation(`No organisation ${organisation}`)
      const errors = documentErrors(document)
      if (errors.length > 0) throw IdentityProviderInvalid({ detail: errors.map((e) => `${e.pointer || '/'} ${e.detail}`).join('; '), errors })
      const result = await repo.put(organisation, document, actor)
      if (!result) throw IdentityProviderIssuerTaken({ detail: `Another organisation registered the issuer ${document.issuer}` })
      return { created: result.created, view: view(result.stored) }
    },
    async get (organisation: string): Promise<IdentityProviderView> {
      const stored = await repo.find(organisation)
      if (!stored) throw UnknownIdentityProvider(`Organisation ${organisation} has no identity provider`)
      return view(stored)
    },
    async delete (organisation: string, actor: AuditActor): Promise<void> {
      if (!await repo.delete(organisation, actor)) throw UnknownIdentityProvider(`Organisation ${organisation} has no identity provider`)
    },
    findByIssuer: (issuer: string) => repo.findByIssuer(issuer)
  }
}

export type IdentityProviderService = ReturnType<typeof identityProviderService>

function documentErrors (document: IdentityProviderDocument): ProblemFieldError[] {
  if ((document.jwks === undefined) === (document.jwks_uri === undefined)) return [{ pointer: '', detail: 'give exactly one of jwks and jwks_uri' }]
  return keySetErrors((document.jwks?.keys ?? []) as ClientJwk[], privateMembers)
}

function privateMembers (jwk: ClientJwk): string | undefined {
  return ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((m) => m in jwk) ? 'private key members are refused: register public keys only' : undefined
}

function view (stored: StoredIdentityProvider): IdentityProviderView {
  return { ...stored.document, organisation: stored.organisation, created_at: stored.created_at.toISOString(), updated_at: stored.updated_at.toISOString() }
}
