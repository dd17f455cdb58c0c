import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { SecretBox } from '../crypto/secret-box.js'
import type { Database } from '../store/database-types.js'
import { withTenant } from '../store/tenant-scope.js'
import type { KeyService } from '../keys/service.js'
import type { StoredRelyingParty } from '../relying-parties/repository.js'
import type { AuditEventInput } from '../audit/audit-event.js'
import type { AttributesRevoked } from '../mapping/attribute-events.js'
import { evaluationDay } from '../mapping/evaluation-day.js'
import { PIN_PURPOSE } from '../identifiers/personal-identity-number.js'
import { isHsaId } from '../identifiers/hsa-id.js'
import { ValidationFailed } from '../http/errors.js'
import { refusalReason } from '../http/problem.js'
import type { StatusListService } from './status-list-service.js'
import { tokenSubjectReader, revocationRepository, type HeldAttribute, type SubjectWithAttributes } from './attribute-token-repository.js'
import { subjectLookup, type NamedSubject } from './subject-lookup.js'
import { attributeTokenFormat, DEFAULT_ATTRIBUTE_TOKEN_FORMAT } from './formats/format-registry.js'
import type { AttributeTokenFormat, IssuanceDecision, LoginContext, NationalClaims } from './formats/attribute-token-format.js'
import { catalogEntitlements } from './catalog-entitlements.js'
import { entitlementOf, unitEntitlement } from '../catalog/entitlement.js'
import { issuanceLedger } from './issuance-ledger.js'
import { approvalHolds, approvesAttribute, approvesPurpose, releasesAttribute, releasesOrganisation, type Approval } from './release-policy.js'
import { subjectIdentifier } from './subject-identifier.js'
import { InvalidAccessToken, RelyingPartyDisabled, SubjectNotFound } from './errors.js'
import type { AttributeTokenRequest } from './attribute-token-schemas.js'

export interface IssuedAttributeToken { attribute_token: string, expires_in: number }

export interface AttributeTokenService {
  /**
   * POST /v1/attribute-tokens: the token for the subject the relying party names. The
   * caller's access token proved who it is and under which registration generation; that
   * the party is still registered, enabled and in that generation is read here, with the
   * subject, so deleting, disabling or re-keying one stops its next request.
   */
  issue (caller: { clientId: string, registration: string }, request: AttributeTokenRequest): Promise<IssuedAttributeToken>
  /**
   * Token exchange: the token for a person an IdP's login names (mapped from its claim to a
   * subject), carrying the login's `acr` and `auth_time` when it records them.
   */
  issueFor (clientId: string, organisation: string, subject: NamedSubject, domain: string | undefined, login: LoginContext, purpose?: string): Promise<IssuedAttributeToken>
  /** Marks every unexpired token carrying a revoked attribute invalid in its status list; returns how many. */
  revoke (event: AttributesRevoked): Promise<number>
  /** Waits for issuances being recorded (at shutdown). */
  drain (): Promise<void>
}

/** What issuance tells the metrics: each token issued, and each request refused with a problem (4xx), by its slug. */
export interface IssuanceObserver {
  issued (clientId: string): void
  refused (clientId: string, reason: string): void
}

export interface AttributeTokenDeps {
  db: Kysely<Database>
  box: SecretBox
  keys: Pick<KeyService, 'signer'>
  statusLists: Pick<StatusListService, 'allocate' | 'setStatus'>
  issuer: string
  /** Whether issuances are audited (always, but for the token benchmark's baseline run). */
  audit?: boolean
  /** The clock of token timestamps (ms since the epoch). */
  now?: () => number
  /** The clock attribute validity is read by; the same one the mapping recompute evaluates with. */
  evaluationClock?: () => Date
  observe?: IssuanceObserver
}

const notFound = (): Error => SubjectNotFound({ detail: 'No attributes this relying party may receive for that subject' })
const bearerRefused = (): Error => InvalidAccessToken({ detail: 'The relying party is disabled, no longer registered, or registered anew or with other keys since the access token was issued; get a new one at /oauth/token', headers: { 'www-authenticate': 'Bearer realm="behorig", error="invalid_token"' } })
const partyDisabled = (): Error => RelyingPartyDisabled({ detail: 'This relying party is disabled; it gets no attribute tokens' })

interface TokenContent {
  person: string
  sub: string
  serviceId: string
  organisation: { number: string, name: string }
  attributes: HeldAttribute[]
  catalog: { domain: string, version: string }
  sourceAsOf: string
}

export function attributeTokenService (deps: AttributeTokenDeps): AttributeTokenService {
  const now = deps.now ?? Date.now
  const today = (): string => evaluationDay(deps.evaluationClock?.() ?? new Date(now()))
  const subjects = tokenSubjectReader(deps.db)
  const ledger = issuanceLedger(deps.db, { audit: deps.audit ?? true, today })
  const entitlements = catalogEntitlements(deps.db)

  /**
   * The national names under claims_profile `sweden` (undefined under `behorig`, and for a
   * document stored before the profile existed). orgAffiliation only where the policy
   * releases the service id as `sub`: under pairwise it would link the person across
   * relying parties, and under personnummer it would release an identifier the policy does
   * not name.
   */
  async function national (party: StoredRelyingParty, found: TokenContent): Promise<NationalClaims | undefined> {
    if (party.document.claims_profile !== 'sweden') return undefined
    const uris = await entitlements(found.catalog.domain, found.catalog.version)
    const organisation = found.organisation.number
    return {
      ...(party.document.release.subject === 'service-id' ? { orgAffiliation: `${found.serviceId}@${organisation}` } : {}),
      entitlements: found.attributes.map((a) => {
        const uri = uris.get(a.attribute_id) ?? entitlementOf({ id: a.attribute_id })
        return a.unit_id === null ? uri : unitEntitlement(uri, organisation, a.unit_id)
      })
    }
  }

  /**
   * Everything the token says; undefined → the one 404. Released is the party's release
   * policy ∩ the organisation's approval, for an approved purpose, on a day it holds.
   */
  function content (party: StoredRelyingParty, organisation: string, person: SubjectWithAttributes | undefined, approval: Approval | undefined, domain: string | undefined, purpose: string | undefined): TokenContent | undefined {
    if (!person || !approval || !releasesOrganisation(party.document.release, organisation)) return undefined
    const day = today()
    if (!approvalHolds(approval, day) || !approvesPurpose(approval, purpose)) return undefined
    const held = person.attributes
      .filter((a) => a.valid_from <= day && (a.valid_until === null || a.valid_until >= day))
      .filter((a) => releasesAttribute(party.document.release, a) && approvesAttribute(approval, a.attribute_id))
    const chosen = domain ?? [...new Set(held.map((a) => a.domain))].sort()[0]
    const attributes = held.filter((a) => a.domain === chosen)
    const first = attributes[0]
    if (!first) return undefined
    const sub = subjectIdentifier(party.document.release.subject, { box: deps.box, openPin: (sealed) => deps.box.open(sealed, PIN_PURPOSE) }, {
      clientId: party.clientId, organisation, personId: person.id, serviceId: person.service_id, pinSealed: person.pin_sealed
    })
    // A policy that asks for personnummer gets no token for someone whose number no source gave.
    if (sub === undefined) return undefined
    return {
      person: person.id,
      sub,
      serviceId: person.service_id,
      organisation: { number: organisation, name: person.organisation_name },
      attributes,
      catalog: { domain: first.domain, version: first.catalog_version },
      sourceAsOf: sourceAsOf(attributes)
    }
  }

  /** Today every relying party gets the one format; a policy field may choose another. */
  const formatFor = (_party: StoredRelyingParty): AttributeTokenFormat => attributeTokenFormat(DEFAULT_ATTRIBUTE_TOKEN_FORMAT)

  /** `login`: the login it is exchanged for, if any; `registration`: the generation the caller's access token names, when it came with one. */
  async function issueFor (clientId: string, organisation: string, named: NamedSubject, domain: string | undefined, login: LoginContext | undefined, purpose: string | undefined, refused: () => Error = partyDisabled, registration?: string): Promise<IssuedAttributeToken> {
    const { party, subject, approval } = await subjects.find(clientId, organisation, subjectLookup(named, deps.box))
    if (!party || (registration !== undefined && party.generation !== registration)) throw refused()
    requirePurpose(party, purpose)
    const found = content(party, organisation, subject, approval, domain, purpose)
    if (!found) throw notFound()
    const [status, nationalClaims] = await Promise.all([deps.statusLists.allocate(), national(party, found)])
    const lifetime = party.document.token_lifetime
    const iat = Math.floor(now() / 1000)
    const jti = randomUUID()
    const decision: IssuanceDecision = {
      issuer: deps.issuer,
      audience: party.clientId,
      subject: found.sub,
      organisation: found.organisation,
      attributes: found.attributes,
      catalog: found.catalog,
      sourceAsOf: found.sourceAsOf,
      status: { idx: status.idx, uri: status.uri },
      jti,
      ...(login ? { login } : {}),
      ...(purpose !== undefined ? { purpose } : {}),
      ...(nationalClaims ? { national: nationalClaims } : {}),
      issuedAt: iat,
      expiresAt: iat + lifetime
    }
    const token = await formatFor(party).sign(decision, deps.keys.signer)
    const carried = found.attributes.map((a) => ({ id: a.attribute_id, unit: a.unit_id }))
    const expiresAt = new Date(decision.expiresAt * 1000)
    const audit: AuditEventInput = {
      organisation,
      action: 'attribute-token.issued',
      actor: { kind: 'relying-party', client_id: party.clientId },
      person_id: found.person,
      client_id: party.clientId,
      // What was disclosed, never who by personnummer: the subject is named by its type only.
      details: { jti, attributes: found.attributes.map((a) => ({ id: a.attribute_id, ...(a.unit_id !== null ? { unit: a.unit_id } : {}) })), expires_at: expiresAt.toISOString(), status_list: { id: status.listId, idx: status.idx }, catalog: found.catalog, subject_type: party.document.release.subject, ...(purpose !== undefined ? { purpose } : {}) }
    }
    // Recorded (with its audit event) before it leaves, then the person's attributes and the
    // organisation's approval read again: a recompute or an approval change that revokes
    // after the row is visible finds it; one that committed before is seen by the second read. Either way no live token misses revocation. Lost
    // while being issued: revoked at once, and the caller asks again for what remains.
    const { stillHeld } = await ledger.record({ jti, organisation, client_id: party.clientId, person_id: found.person, attributes: carried, purpose: purpose ?? null, status_list_id: status.listId, status_idx: status.idx, expires_at: expiresAt }, audit)
    if (!stillHeld) {
      await deps.statusLists.setStatus(status.listId, status.idx, true)
      await withTenant(deps.db, organisation, (trx) => revocationRepository(trx).markRevoked(organisation, [jti], new Date(now())))
      throw notFound()
    }
    return { attribute_token: token, expires_in: lifetime }
  }

  /** Tells the observer how an issuance ended: issued, or refused and why. */
  async function observed (clientId: string, issuing: () => Promise<IssuedAttributeToken>): Promise<IssuedAttributeToken> {
    try {
      const issued = await issuing()
      deps.observe?.issued(clientId)
      return issued
    } catch (error) {
      const reason = refusalReason(error)
      if (reason !== undefined) deps.observe?.refused(clientId, reason)
      throw error
    }
  }

  return {
    issueFor: (clientId, organisation, subject, domain, login, purpose) => observed(clientId, () => issueFor(clientId, organisation, subject, domain, login, purpose)),
    issue: (caller, request) => observed(caller.clientId, async () => {
      const { type, value, organisation } = request.subject
      // The schema cannot tie value's format to type; a malformed HSA-id is the caller's mistake, not an unknown person.
      if (type === 'hsa-id' && !isHsaId(value)) throw malformedHsaId()
      return issueFor(caller.clientId, organisation.replace('-', ''), { type, value }, request.domain, undefined, request.purpose, bearerRefused, caller.registration)
    }),
    drain: () => ledger.drain(),
    async revoke (event) {
      const lost = new Set(event.revoked.map((r) => `${r.person_id}\0${carriedKey(r.attribute_id, r.unit_id)}`))
      const people = [...new Set(event.revoked.map((r) => r.person_id))]
      const hit = await withTenant(deps.db, event.organisation, async (trx) =>
        (await revocationRepository(trx).liveTokensOf(event.organisation, people, new Date(now())))
          .filter((t) => t.attributes.some((a) => lost.has(`${t.person_id}\0${carriedKey(a.id, a.unit)}`))))
      // Bits first: a token is only marked revoked in the table once its bit is set.
      for (const token of hit) await deps.statusLists.setStatus(token.status_list_id, token.status_idx, true)
      await withTenant(deps.db, event.organisation, (trx) => revocationRepository(trx).markRevoked(event.organisation, hit.map((t) => t.jti), new Date(now())))
      return hit.length
    }
  }
}

function malformedHsaId (): Error {
  const detail = 'must be an HSA-id: SE, a 10-digit organisationsnummer, \'-\' and letters or digits, at most 31 characters'
  return ValidationFailed({ detail: `The request body did not validate: subject.value ${detail}`, errors: [{ pointer: '/subject/value', detail, location: 'body' }] })
}

/**
 * A party that registered purposes states one of them; one that registered none states
 * none. Whether the organisation approved it is the one 404, decided with the subject.
 */
function requirePurpose (party: StoredRelyingParty, purpose: string | undefined): void {
  const registered = (party.document.purposes ?? []).map((p) => p.id)
  let detail: string | undefined
  if (registered.length === 0 && purpose !== undefined) detail = 'this relying party registered no purposes: state none'
  else if (registered.length > 0 && purpose === undefined) detail = `is required: one of ${registered.join(', ')}`
  else if (purpose !== undefined && !registered.includes(purpose)) detail = `must be one of ${registered.join(', ')}`
  if (detail) throw ValidationFailed({ detail: `The request did not validate: purpose ${detail}`, errors: [{ pointer: '/purpose', detail, location: 'body' }] })
}

const carriedKey = (id: string, unit: string | null): string => `${id}\0${unit ?? ''}`

/**
 * The data is no fresher than its stalest input: the oldest last successful run of the
 * sources whose records granted the attributes; for an attribute whose sources never
 * finished a run (SCIM pushes apply without one), when it was computed.
 */
function sourceAsOf (attributes: readonly HeldAttribute[]): string {
  return new Date(Math.min(...attributes.map((a) => (a.source_as_of ?? a.computed_at).getTime()))).toISOString()
}
