import type { ProblemFieldError } from '../http/problem.js'
import { decodeCursor, cursorKey, page } from '../http/cursor.js'
import { keySetErrors, type ClientJwk } from '../relying-parties/relying-party-document.js'
import { UnknownOrganisation } from '../organisations/errors.js'
import type { OrganisationRepository } from '../organisations/repository.js'
import type { OutboundFetch } from '../net/outbound-fetch.js'
import type { Logger } from '../log/logger.js'
import type { AuditActor } from '../audit/audit-event.js'
import { IdentityProviderInvalid, IdentityProviderIssuerTaken, IdentityProviderShortcut, UnknownIdentityProvider } from './errors.js'
import type { IdentityProviderRepository, IdentityProviderWrite, StoredIdentityProvider } from './repository.js'
import type { IdentityProviderDocument, PlatformIdentityProviderDocument, PlatformIdentityProviderView } from './schemas.js'
import { certificateSummary, metadataStale, metadataValid, MetadataUnusable, readRegistrationMetadata, type MetadataFetchOptions } from './saml-metadata.js'

export type IdentityProviderView = IdentityProviderDocument & { organisation: string, created_at: string, updated_at: string }

/** The organisation route's registrations live under this id. */
export const shortcutId = (organisation: string): string => `org-${organisation}`
const SHORTCUT_ID = /^org-\d{10}$/

export interface IdentityProviderServiceDeps {
  identityProviders: IdentityProviderRepository
  organisations: Pick<OrganisationRepository, 'find'>
  /** SAML metadata_url fetches go through the outbound guard. */
  outbound: Pick<OutboundFetch, 'get'>
  metadataFetch?: MetadataFetchOptions
  log?: Pick<Logger, 'warn'>
}

export function identityProviderService (deps: IdentityProviderServiceDeps) {
  const repo = deps.identityProviders
  /**
   * Per registration, the refresh of the metadata read at `from`: logins that read the same
   * stale row share it, also after it has finished (a login whose row was read before the
   * refresh was stored would otherwise fetch again). Kept once it succeeded; dropped when it
   * failed, so the next login tries again.
   */
  const refreshing = new Map<string, { from: string | undefined, result: Promise<StoredIdentityProvider> }>()

  /** Reads metadata_url again; on failure the registration keeps what it had (until validUntil). */
  async function refreshed (idp: StoredIdentityProvider): Promise<StoredIdentityProvider> {
    const saml = idp.document.saml
    if (!saml?.metadata_url) return idp
    const from = idp.metadata?.read_at
    const shared = refreshing.get(idp.id)
    if (shared && shared.from === from) return shared.result
    const forget = () => { if (refreshing.get(idp.id)?.result === result) refreshing.delete(idp.id) }
    const result = (async () => {
      try {
        const metadata = await readRegistrationMetadata(saml, { outbound: deps.outbound, ...(deps.metadataFetch ? { fetch: deps.metadataFetch } : {}) })
        if (metadata.entity_id !== idp.entity) throw new MetadataUnusable(`the metadata now names the entityID ${metadata.entity_id}: register it again`)
        await repo.saveMetadata(idp.id, idp.updated_at, metadata)
        return { ...idp, metadata }
      } catch (error) {
        forget()
        if (!(error instanceof MetadataUnusable)) throw error
        deps.log?.warn({ identity_provider: idp.id, reason: error.message }, 'SAML metadata refresh failed; the metadata read before stays in use until it expires')
        return idp
      }
    })()
    refreshing.set(idp.id, { from, result })
    return result
  }

  async function write (document: PlatformIdentityProviderDocument, shortcut?: StoredIdentityProvider['shortcut']): Promise<IdentityProviderWrite> {
    const errors = [...documentErrors(document), ...await organisationErrors(document, deps.organisations)]
    if (errors.length > 0) throw invalid(errors)
    if (document.kind === 'oidc') {
      const oidc = document.oidc as NonNullable<PlatformIdentityProviderDocument['oidc']>
      return { kind: 'oidc', entity: oidc.issuer, organisations: document.organisations, document, ...(shortcut ? { shortcut } : {}) }
    }
    const saml = document.saml as NonNullable<PlatformIdentityProviderDocument['saml']>
    let metadata
    try {
      metadata = await readRegistrationMetadata(saml, { outbound: deps.outbound, ...(deps.metadataFetch ? { fetch: deps.metadataFetch } : {}) })
    } catch (error) {
      if (error instanceof MetadataUnusable) throw invalid([{ pointer: saml.metadata_url ? '/saml/metadata_url' : '/saml/metadata_xml', detail: error.message }])
      throw error
    }
    return { kind: 'saml', entity: metadata.entity_id, organisations: document.organisations, document, metadata }
  }

  async function store (id: string, registration: IdentityProviderWrite, actor: AuditActor): Promise<{ created: boolean, stored: StoredIdentityProvider }> {
    const result = await repo.put(id, registration, actor)
    if (!result) throw IdentityProviderIssuerTaken({ detail: `Another registration holds the ${registration.kind === 'saml' ? 'entityID' : 'issuer'} ${registration.entity}` })
    return result
  }

  async function existing (id: string): Promise<StoredIdentityProvider> {
    const stored = await repo.find(id)
    if (!stored) throw UnknownIdentityProvider(`No identity provider ${id} is registered`)
    return stored
  }

  return {
    async put (id: string, document: PlatformIdentityProviderDocument, actor: AuditActor): Promise<{ created: boolean, view: PlatformIdentityProviderView }> {
      if (SHORTCUT_ID.test(id)) throw IdentityProviderShortcut(`${id} is kept for the organisation's shortcut: use PUT /v1/organisations/${id.slice(4)}/identity-provider, or another id`)
      const { created, stored } = await store(id, await write(document), actor)
      return { created, view: platformView(stored) }
    },
    get: async (id: string): Promise<PlatformIdentityProviderView> => platformView(await existing(id)),
    async list (query: { organisation?: string, limit?: number, cursor?: string }): Promise<{ items: PlatformIdentityProviderView[], next_cursor: string | null }> {
      const limit = query.limit ?? 50
      const rows = await repo.list(decodeCursor(query.cursor, cursorKey.text), limit + 1, query.organisation)
      const listed = page(rows, limit, (row) => row.id)
      return { items: listed.items.map(platformView), next_cursor: listed.next_cursor }
    },
    async delete (id: string, actor: AuditActor): Promise<void> {
      if (!await repo.delete(id, actor)) throw UnknownIdentityProvider(`No identity provider ${id} is registered`)
    },

    /** PUT /v1/organisations/{org}/identity-provider: a one-organisation OIDC registration under `org-<orgnr>`. */
    async putShortcut (organisation: string, v1: IdentityProviderDocument, actor: AuditActor): Promise<{ created: boolean, view: IdentityProviderView }> {
      if (!await deps.organisations.find(organisation)) throw UnknownOrganisation(`No organisation ${organisation}`)
      if ((v1.jwks === undefined) === (v1.jwks_uri === undefined)) throw invalid([{ pointer: '', detail: 'give exactly one of jwks and jwks_uri' }])
      const document: PlatformIdentityProviderDocument = {
        kind: 'oidc',
        organisations: [organisation],
        oidc: { issuer: v1.issuer, ...(v1.jwks ? { jwks: v1.jwks } : {}), ...(v1.jwks_uri ? { jwks_uri: v1.jwks_uri } : {}) },
        subject: { match: [v1.subject.type], claims: { [v1.subject.type]: v1.subject.claim } }
      }
      // Errors point into the document this route took: /jwks/…, not /oidc/jwks/….
      const keyErrors = keySetErrors((v1.jwks?.keys ?? []) as ClientJwk[], privateMembers)
      if (keyErrors.length > 0) throw invalid(keyErrors)
      const { created, stored } = await store(shortcutId(organisation), await write(document, { organisation, document: v1 }), actor)
      return { created, view: shortcutView(stored) }
    },
    async getShortcut (organisation: string): Promise<IdentityProviderView> {
      const stored = await repo.find(shortcutId(organisation))
      if (!stored?.shortcut) throw UnknownIdentityProvider(`Organisation ${organisation} has no identity provider of its own`)
      return shortcutView(stored)
    },
    async deleteShortcut (organisation: string, actor: AuditActor): Promise<void> {
      if (!await repo.delete(shortcutId(organisation), actor)) throw UnknownIdentityProvider(`Organisation ${organisation} has no identity provider of its own`)
    },

    /** The OIDC registration whose issuer a login names. */
    findOidc: (issuer: string): Promise<StoredIdentityProvider | undefined> => repo.findByEntity('oidc', issuer),
    /**
     * The SAML registration whose entityID a login names, its metadata read again first when
     * it is due; `certificates` is empty once the metadata has expired (its logins are refused).
     */
    async findSaml (entity: string, now = new Date()): Promise<{ idp: StoredIdentityProvider, certificates: string[] } | undefined> {
      let idp = await repo.findByEntity('saml', entity)
      if (!idp?.metadata) return undefined
      if (metadataStale(idp.metadata, now) || !metadataValid(idp.metadata, now)) idp = await refreshed(idp)
      const metadata = idp.metadata as NonNullable<StoredIdentityProvider['metadata']>
      return { idp, certificates: metadataValid(metadata, now) ? metadata.certificates : [] }
    }
  }
}

export type IdentityProviderService = ReturnType<typeof identityProviderService>

function invalid (errors: ProblemFieldError[]) {
  return IdentityProviderInvalid({ detail: errors.map((e) => `${e.pointer || '/'} ${e.detail}`).join('; '), errors })
}

/** What the schema cannot say: which protocol block goes with `kind`, one source of keys or metadata, consistent organisations. */
function documentErrors (document: PlatformIdentityProviderDocument): ProblemFieldError[] {
  const errors: ProblemFieldError[] = []
  const own = document.kind
  const other = own === 'saml' ? 'oidc' : 'saml'
  if (document[own] === undefined) errors.push({ pointer: `/${own}`, detail: `kind ${own} needs the ${own} settings` })
  if (document[other] !== undefined) errors.push({ pointer: `/${other}`, detail: `kind ${own} takes no ${other} settings` })
  const { saml, oidc } = document
  if (own === 'saml' && saml && (saml.metadata_xml === undefined) === (saml.metadata_url === undefined)) errors.push({ pointer: '/saml', detail: 'give exactly one of metadata_xml and metadata_url' })
  if (own === 'oidc' && oidc) {
    if ((oidc.jwks === undefined) === (oidc.jwks_uri === undefined)) errors.push({ pointer: '/oidc', detail: 'give exactly one of jwks and jwks_uri' })
    errors.push(...keySetErrors((oidc.jwks?.keys ?? []) as ClientJwk[], privateMembers).map((e) => ({ ...e, pointer: `/oidc${e.pointer}` })))
  }
  if (document.default_organisation !== undefined && !document.organisations.includes(document.default_organisation)) {
    errors.push({ pointer: '/default_organisation', detail: 'must be one of organisations' })
  }
  return errors
}

async function organisationErrors (document: PlatformIdentityProviderDocument, organisations: Pick<OrganisationRepository, 'find'>): Promise<ProblemFieldError[]> {
  const found = await Promise.all(document.organisations.map((number) => organisations.find(number)))
  return document.organisations.flatMap((number, i) => found[i] ? [] : [{ pointer: `/organisations/${i}`, detail: `no organisation ${number} is registered` }])
}

function privateMembers (jwk: ClientJwk): string | undefined {
  return ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((m) => m in jwk) ? 'private key members are refused: register public keys only' : undefined
}

function platformView (stored: StoredIdentityProvider): PlatformIdentityProviderView {
  const { metadata } = stored
  return {
    ...stored.document,
    id: stored.id,
    ...(metadata
      ? {
          metadata: {
            entity_id: metadata.entity_id,
            signing_certificates: metadata.certificates.map(certificateSummary),
            valid_until: metadata.valid_until,
            read_at: metadata.read_at,
            refresh_after: metadata.refresh_after
          }
        }
      : {}),
    ...(stored.shortcut ? { shortcut_of: stored.shortcut.organisation } : {}),
    created_at: stored.created_at.toISOString(),
    updated_at: stored.updated_at.toISOString()
  }
}

function shortcutView (stored: StoredIdentityProvider): IdentityProviderView {
  const shortcut = stored.shortcut as NonNullable<StoredIdentityProvider['shortcut']>
  return { ...shortcut.document, organisation: shortcut.organisation, created_at: stored.created_at.toISOString(), updated_at: stored.updated_at.toISOString() }
}
