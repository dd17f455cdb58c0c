import { createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { ConfiguredJwk, Env, FederationSettings } from './config-schema.js'

/**
 * BEHORIG_FEDERATION_*: returns the settings, or the problems found, each naming its
 * variable. An entity id is an https URL without query or fragment (OpenID Federation 1.0 §1.2).
 */
export function federationSettings (env: Env): { settings: FederationSettings, problems: string[] } {
  const problems: string[] = []
  const authorityHints = listOf(env.BEHORIG_FEDERATION_AUTHORITY_HINTS)
  for (const hint of authorityHints) {
    const problem = entityIdProblem(hint)
    if (problem) problems.push(`BEHORIG_FEDERATION_AUTHORITY_HINTS: "${hint}" ${problem}`)
  }
  const trustAnchors = readTrustAnchors(env.BEHORIG_FEDERATION_TRUST_ANCHORS, problems)
  const defaultRelease = readJsonObject('BEHORIG_FEDERATION_DEFAULT_RELEASE', env.BEHORIG_FEDERATION_DEFAULT_RELEASE, problems)
  if (Object.keys(trustAnchors).length > 0 && defaultRelease === undefined && env.BEHORIG_FEDERATION_DEFAULT_RELEASE === undefined) {
    problems.push('BEHORIG_FEDERATION_DEFAULT_RELEASE is required with BEHORIG_FEDERATION_TRUST_ANCHORS: it is what federated relying parties may be given')
  }
  return {
    settings: {
      authorityHints,
      trustAnchors,
      requiredTrustMark: env.BEHORIG_FEDERATION_REQUIRED_TRUST_MARK,
      defaultRelease,
      organizationName: env.BEHORIG_FEDERATION_ORGANIZATION_NAME,
      statementSeconds: env.BEHORIG_FEDERATION_STATEMENT_SECONDS
    },
    problems
  }
}

/** Why `id` is not an Entity Identifier, or undefined. */
export function entityIdProblem (id: string): string | undefined {
  let url: URL
  try { url = new URL(id) } catch { return 'is not a URL' }
  if (url.protocol !== 'https:') return 'is not an https URL'
  if (url.search !== '' || url.hash !== '' || id.includes('?') || id.includes('#')) return 'has a query or fragment'
  if (url.username !== '' || url.password !== '') return 'has user information'
  return undefined
}

function readTrustAnchors (value: string | undefined, problems: string[]): FederationSettings['trustAnchors'] {
  const name = 'BEHORIG_FEDERATION_TRUST_ANCHORS'
  if (value === undefined) return {}
  let text = value
  if (!value.trimStart().startsWith('{')) {
    try { text = readFileSync(value, 'utf8') } catch (error) {
      problems.push(`${name}: neither JSON nor a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`)
      return {}
    }
  }
  const parsed = readJsonObject(name, text, problems)
  if (!parsed) return {}
  const anchors: FederationSettings['trustAnchors'] = {}
  for (const [id, jwks] of Object.entries(parsed)) {
    const idProblem = entityIdProblem(id)
    if (idProblem) { problems.push(`${name}: trust anchor "${id}" ${idProblem}`); continue }
    const keys = (jwks as { keys?: unknown } | null)?.keys
    if (!Array.isArray(keys) || keys.length === 0) { problems.push(`${name}: trust anchor "${id}" needs a JWK Set with at least one key: { "keys": [ … ] }`); continue }
    const keyProblems = keys.map((k, i) => keyProblem(k) && `${name}: trust anchor "${id}" key ${i} ${keyProblem(k)}`).filter((p): p is string => Boolean(p))
    problems.push(...keyProblems)
    if (keyProblems.length === 0) anchors[id] = { keys: keys as ConfiguredJwk[] }
  }
  return anchors
}

function keyProblem (jwk: unknown): string | undefined {
  if (typeof jwk !== 'object' || jwk === null || typeof (jwk as ConfiguredJwk).kty !== 'string') return 'is not a JWK'
  if (['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((m) => m in jwk)) return 'has private members: give public keys only'
  try {
    createPublicKey({ key: jwk as never, format: 'jwk' })
    return undefined
  } catch (error) {
    return `is not a usable public key (${(error as Error).message})`
  }
}

function readJsonObject (name: string, text: string | undefined, problems: string[]): Record<string, unknown> | undefined {
  if (text === undefined) return undefined
  try {
    const parsed = JSON.parse(text) as unknown
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>
    problems.push(`${name} must be a JSON object`)
  } catch (error) {
    problems.push(`${name} is not valid JSON: ${(error as Error).message}`)
  }
  return undefined
}

function listOf (value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)
}
