import { createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ErrorObject } from 'ajv'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { addBehorigKeywords } from '../http/ajv-keywords.js'
import { distinctErrors, errorPointer } from '../http/schema-errors.js'
import type { ProblemFieldError } from '../http/problem.js'
import { packageRoot } from '../store/package-root.js'
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../http/json-depth.js'
import { RelyingPartyInvalid } from './errors.js'

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule.default }).default

export const SUBJECT_TYPES = ['pairwise', 'service-id', 'personal-identity-number'] as const
export type SubjectType = typeof SUBJECT_TYPES[number]

/** Which claims a party's attribute tokens carry (docs/tokens.md): the v1 set, or that and the national names. */
export const CLAIMS_PROFILES = ['behorig', 'sweden'] as const
export type ClaimsProfile = typeof CLAIMS_PROFILES[number]

/** A purpose id: a short slug, as schemas/relying-party.schema.json says. */
export const PURPOSE_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$'

/** Why an agency asks (purpose of use); requests state one by id. */
export interface Purpose { id: string, description: string, legal_basis: string }

export interface ClientJwk { kty: string, kid: string, alg?: string, [member: string]: unknown }

/** A relying party as schemas/relying-party.schema.json describes it, with its defaults filled in. */
/** How a federated relying party came to be one (OpenID Federation): set by behorig, never by a PUT. */
export interface FederationMembership {
  trust_anchor: string
  /** The earliest expiry of its trust chain (and required trust mark): resolved again after it. */
  expires_at: string
  /** Why its last resolution failed, when it did (then it is disabled). */
  refused?: string
  /** Its resolved metadata (oauth_client and federation_entity), policies applied. */
  metadata?: Record<string, unknown>
}

export interface RelyingPartyDocument {
  name: string
  /** Required when registered by hand; a federated party has none (federation metadata does not carry it). */
  organisation?: string
  jwks?: { keys: ClientJwk[] }
  jwks_uri?: string
  release: {
    attributes: string[]
    domains: string[]
    organisations: 'all' | string[]
    subject: SubjectType
    legal_basis?: string
  }
  token_lifetime: number
  disabled: boolean
  subject_token_audiences?: string[]
  /** One of KNOWN_LOA_URIS (identifiers/loa.ts); absent means LOA3. */
  min_loa?: string
  /** Filled in by the schema's default (sweden); stored documents from before it say behorig (migration 0019). */
  claims_profile: ClaimsProfile
  /** When present, every request states one of these by id. */
  purposes?: Purpose[]
  /** Present on a federated relying party only. */
  federation?: FederationMembership
}

let validator: ReturnType<Ajv2020['compile']> | undefined

function validate (): ReturnType<Ajv2020['compile']> {
  if (validator) return validator
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, useDefaults: true })
  addFormats(ajv, ['uri'])
  addBehorigKeywords(ajv as never)
  validator = ajv.compile(JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'relying-party.schema.json'), 'utf8')) as object)
  return validator
}

/**
 * Validates a relying-party document against its schema, then what the schema cannot say:
 * kids are distinct and every key is a usable public key. Returns a copy with defaults;
 * throws `relying-party-invalid` (422) with JSON Pointers.
 */
export function parseRelyingParty (document: unknown): RelyingPartyDocument {
  if (nestsDeeperThan(document)) throw RelyingPartyInvalid({ detail: `The document nests deeper than ${MAX_JSON_DEPTH} levels`, errors: [{ pointer: '', detail: `nests deeper than ${MAX_JSON_DEPTH} levels` }] })
  const copy = structuredClone(document)
  const check = validate()
  const errors: ProblemFieldError[] = check(copy) ? keyErrors(copy as RelyingPartyDocument) : schemaErrors(check.errors ?? [])
  if (errors.length > 0) {
    throw RelyingPartyInvalid({ detail: errors.map((e) => `${e.pointer || '/'} ${e.detail}`).join('; '), errors })
  }
  return copy as RelyingPartyDocument
}

function keyErrors (document: RelyingPartyDocument): ProblemFieldError[] {
  return [...keySetErrors(document.jwks?.keys ?? []), ...purposeErrors(document.purposes ?? [])]
}

function purposeErrors (purposes: readonly Purpose[]): ProblemFieldError[] {
  const seen = new Set<string>()
  return purposes.flatMap((p, i) => {
    if (!seen.has(p.id)) { seen.add(p.id); return [] }
    return [{ pointer: `/purposes/${i}/id`, detail: `purpose id "${p.id}" appears twice` }]
  })
}

/**
 * What is wrong with an inline key set (`/jwks/keys/…`): a kid given twice, and each key
 * that `refuse` (if given) or `publicKeyProblem` finds unusable, in key order.
 */
export function keySetErrors (keys: ClientJwk[], refuse?: (jwk: ClientJwk) => string | undefined): ProblemFieldError[] {
  const errors: ProblemFieldError[] = []
  const seen = new Set<string>()
  for (const [i, jwk] of keys.entries()) {
    if (seen.has(jwk.kid)) errors.push({ pointer: `/jwks/keys/${i}/kid`, detail: `kid "${jwk.kid}" appears twice` })
    seen.add(jwk.kid)
    const refused = refuse?.(jwk)
    const problem = refused ?? publicKeyProblem(jwk)
    if (problem) errors.push({ pointer: `/jwks/keys/${i}`, detail: problem })
  }
  return errors
}

/** Why a JWK is not a usable public signing key, or undefined. Also used for keys fetched from jwks_uri. */
export function publicKeyProblem (jwk: ClientJwk): string | undefined {
  try {
    const key = createPublicKey({ key: jwk as never, format: 'jwk' })
    if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return 'an RSA key must have at least 2048 bits'
    if (jwk.kty === 'OKP' && jwk['crv'] !== 'Ed25519') return 'an OKP key must be Ed25519'
    if (jwk.kty === 'EC' && jwk['crv'] !== 'P-256') return 'an EC key must be on P-256'
    return undefined
  } catch (error) {
    return `is not a valid public key: ${error instanceof Error ? error.message : String(error)}`
  }
}

function schemaErrors (ajvErrors: ErrorObject[]): ProblemFieldError[] {
  return distinctErrors(ajvErrors
    .filter((e) => e.keyword !== 'if')
    // The anyOf/oneOf error says what to fix; its branches' own failures only confuse,
    // except a mistyped organisation number, which names the rule it broke.
    .filter((e) => !/\/(anyOf|oneOf)\/\d+\//.test(e.schemaPath) || e.keyword === 'x-organisation-number')
    .map((e) => ({ pointer: errorPointer(e), detail: detailOf(e) })))
}

function detailOf (error: ErrorObject): string {
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required': return 'is required'
    case 'additionalProperties': return 'is not a known member'
    case 'enum': return `must be one of: ${(params['allowedValues'] as unknown[]).join(', ')}`
    case 'not': return error.instancePath.startsWith('/jwks/keys/') ? 'private key members are refused: register public keys only' : 'give exactly one of jwks and jwks_uri'
    case 'oneOf': return error.instancePath === '' ? 'give exactly one of jwks and jwks_uri' : error.instancePath === '/release/organisations' ? 'must be "all" or a list of organisation numbers' : (error.message ?? 'is invalid')
    case 'anyOf': return 'name at least one attribute or domain'
    default: return error.message ?? 'is invalid'
  }
}
