/**
 * Verifies a behorig attribute token the way a relying party (agency) should — copy it.
 * It uses only `jose` and the platform's `fetch` (and the web-standard DecompressionStream
 * for the status list), so it runs on Node 22+, Deno, Bun and in browsers alike.
 *
 *   npx tsx scripts/verify-token.ts --issuer https://behorig.example.se --audience fk-ssbtek <token>
 *   echo "$TOKEN" | npx tsx scripts/verify-token.ts --issuer … --audience … -
 *
 * Exit code 0: valid and not revoked; 1: refused (the reason is printed); 2: usage.
 *
 * Steps: (1) RFC 8414 metadata from {issuer}/.well-known/oauth-authorization-server, whose
 * `issuer` must be the one you trust; (2) the JWKS at its `jwks_uri`; (3) the token's
 * signature, `typ: attribute-token+jwt`, `iss`, `aud` (your client_id), `exp` and `nbf`;
 * (4) the Status List Token its `status.status_list.uri` names (draft-ietf-oauth-status-list):
 * `typ: statuslist+jwt`, signed by the same keys, `sub` = that URI; (5) inflate `lst` and
 * read the token's status at `idx`: 0 valid, anything else refused.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose'
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

const ALGORITHMS = ['ES256', 'EdDSA']
/** Seconds of clock difference tolerated on exp/nbf. */
const CLOCK_TOLERANCE = 30
const STATUS_NAMES: Record<number, string> = { 0: 'valid', 1: 'invalid (revoked)', 2: 'suspended' }

export interface AttributeTokenClaims extends JWTPayload {
  organisation: { number: string, name: string }
  /** unit_name, unit_hsa_id and school_unit_code only under claims_profile sweden, for a unit the HR source describes. */
  attributes: Array<{ id: string, unit?: string, valid_until?: string, unit_name?: string, unit_hsa_id?: string, school_unit_code?: string }>
  catalog: { domain: string, version: string }
  source_as_of: string
  status: { status_list: { idx: number, uri: string } }
  /** The purpose id your request stated (docs/trust.md); absent when it stated none. */
  purpose?: string
  /** The national names, under the relying party's claims_profile sweden (docs/api.md). */
  'https://id.oidc.se/claim/orgNumber'?: string
  'https://id.oidc.se/claim/orgName'?: string
  /** `<service id>@<orgnr>`, only when your policy's subject is service-id; split at the last `@`. */
  'https://id.oidc.se/claim/orgAffiliation'?: string
  /** One entitlement URI per attribute, in the same order; `…:unit:<orgnr>:<unit id>` for one held at a unit. */
  eduperson_entitlement?: string[]
  /** Only in a token exchanged for a login: its level of assurance, and when the person authenticated. */
  acr?: string
  auth_time?: number
}

export type Verification =
  | { valid: true, header: Record<string, unknown>, claims: AttributeTokenClaims, status: number }
  | { valid: false, reason: string, header?: Record<string, unknown>, claims?: AttributeTokenClaims, status?: number }

export interface VerifyOptions {
  /** The behorig issuer identifier you trust, e.g. https://behorig.example.se (no trailing slash). */
  issuer: string
  /** Your client_id: the token's `aud`. */
  audience: string
}

// One key set per jwks_uri: jose caches it and refetches (rate-limited) on an unknown kid.
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>()

async function getJson (url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { headers: { accept: 'application/json' } })
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`)
  return await res.json() as Record<string, unknown>
}

async function keySetOf (issuer: string): Promise<ReturnType<typeof createRemoteJWKSet>> {
  const metadata = await getJson(`${issuer}/.well-known/oauth-authorization-server`)
  // RFC 8414 §3.3: the metadata must name the issuer it was fetched for.
  if (metadata['issuer'] !== issuer) throw new Error(`the metadata names issuer ${String(metadata['issuer'])}, not ${issuer}`)
  const jwksUri = String(metadata['jwks_uri'])
  let keySet = keySets.get(jwksUri)
  if (!keySet) { keySet = createRemoteJWKSet(new URL(jwksUri)); keySets.set(jwksUri, keySet) }
  return keySet
}

async function inflate (bytes: Uint8Array): Promise<Uint8Array> {
  // 'deflate' in the Compression Streams standard is the ZLIB format (RFC 1950) the draft uses.
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** The status of entry `idx` in a Status List Token, after checking that token. */
async function statusAt (ref: { idx: number, uri: string }, issuer: string, keySet: ReturnType<typeof createRemoteJWKSet>): Promise<number> {
  // Only follow status URIs under the issuer: a token must not make you fetch anything else.
  if (!ref.uri.startsWith(`${issuer}/`)) throw new Error(`the status list ${ref.uri} is not under the issuer`)
  const res = await fetch(ref.uri, { headers: { accept: 'application/statuslist+jwt' } })
  if (!res.ok) throw new Error(`GET ${ref.uri} answered ${res.status}`)
  const { payload } = await jwtVerify(await res.text(), keySet, { issuer, subject: ref.uri, typ: 'statuslist+jwt', algorithms: ALGORITHMS, clockTolerance: CLOCK_TOLERANCE })
  const list = payload['status_list'] as { bits?: unknown, lst?: unknown } | undefined
  const bits = Number(list?.bits)
  if (![1, 2, 4, 8].includes(bits) || typeof list?.lst !== 'string') throw new Error('the status list is malformed')
  const bytes = await inflate(Uint8Array.from(atob(list.lst.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)))
  // Entry i occupies `bits` bits starting at bit i·bits, least significant bit first.
  const position = ref.idx * bits
  const byte = bytes[Math.floor(position / 8)]
  if (byte === undefined) throw new Error(`index ${ref.idx} is outside the status list`)
  return (byte >> (position % 8)) & ((1 << bits) - 1)
}

export async function verifyAttributeToken (token: string, options: VerifyOptions): Promise<Verification> {
  let header: Record<string, unknown> | undefined
  let claims: AttributeTokenClaims | undefined
  try {
    const keySet = await keySetOf(options.issuer)
    const verified = await jwtVerify(token, keySet, {
      issuer: options.issuer,
      audience: options.audience,
      typ: 'attribute-token+jwt',
      algorithms: ALGORITHMS,
      requiredClaims: ['iat', 'nbf', 'exp', 'jti', 'sub', 'status'],
      clockTolerance: CLOCK_TOLERANCE
    })
    header = verified.protectedHeader as Record<string, unknown>
    claims = verified.payload as AttributeTokenClaims
    const ref = claims.status?.status_list
    if (!ref || !Number.isInteger(ref.idx) || ref.idx < 0 || typeof ref.uri !== 'string') return { valid: false, reason: 'the token has no usable status reference', header, claims }
    const status = await statusAt(ref, options.issuer, keySet)
    if (status !== 0) return { valid: false, reason: `the token's status is ${STATUS_NAMES[status] ?? status}`, header, claims, status }
    return { valid: true, header, claims, status }
  } catch (error) {
    return { valid: false, reason: error instanceof Error ? error.message : String(error), ...(header ? { header } : {}), ...(claims ? { claims } : {}) }
  }
}

const USAGE = `usage: verify-token --issuer <behorig issuer URL> --audience <your client_id> <token | ->

Verifies a behorig attribute token: signature (JWKS from the issuer's metadata), typ,
iss, aud, exp/nbf, then its status in the status list. "-" reads the token from stdin.
Exit code 0: valid; 1: refused (the reason is printed); 2: usage.`

async function readStdin (): Promise<string> {
  let text = ''
  for await (const chunk of process.stdin) text += String(chunk)
  return text.trim()
}

export async function main (argv: string[]): Promise<number> {
  const args = [...argv]
  const option = (name: string): string | undefined => {
    const at = args.indexOf(name)
    return at === -1 ? undefined : args.splice(at, 2)[1]
  }
  const issuer = option('--issuer')?.replace(/\/+$/, '')
  const audience = option('--audience')
  const [given] = args
  if (!issuer || !audience || given === undefined || args.length !== 1 || args.includes('--help')) {
    process.stderr.write(USAGE + '\n')
    return 2
  }
  const result = await verifyAttributeToken(given === '-' ? await readStdin() : given, { issuer, audience })
  process.stdout.write(JSON.stringify(result, null, 2) + '\n')
  if (!result.valid) process.stderr.write(`refused: ${result.reason}\n`)
  return result.valid ? 0 : 1
}

// Run as a command also when started through a symlink: argv[1] is the path as typed, import.meta.url the real one.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2))
}
