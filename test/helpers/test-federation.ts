import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createEntityConfiguration, createEntityStatement, createJsonWebToken, createJwtSignableInput, type SignCallback } from '@openid-federation/core'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import t from 'tap'
import { selfSignedCertificate } from './self-signed-certificate.js'

/**
 * A test federation on one loopback HTTPS server: every entity lives under its own path
 * (`https://127.0.0.1:PORT/<name>`), publishes its entity configuration at
 * `<id>/.well-known/openid-federation` and, if it is a superior, its subordinate statements
 * at `<id>/fetch?sub=`. Entity configurations and subordinate statements are built by a
 * different implementation from behorig's resolver (src/federation/): the OpenWallet
 * Foundation's `@openid-federation/core` (`createEntityConfiguration`,
 * `createEntityStatement`, which check the claims against its zod schemas and encode the
 * JWS; the signature itself is WebCrypto ES256 over the signable input it hands over).
 * They are signed at request time by the federation's own clock, which tests move.
 * Negative cases are made after building: a broken signature by `tamper`, an expired
 * statement by a negative `ttl` or by moving the clock. Trust marks are built with jose's
 * SignJWT: the library has no trust mark builder. Where the library's schemas refuse
 * claims that final OpenID Federation 1.0 allows, see `build` below.
 */
export interface Entity {
  name: string
  id: string
  federationKey: { privateKey: CryptoKey, publicJwk: JWK }
  /** Its entity configuration's claims besides iss, sub, iat, exp and jwks; tests change them. */
  configuration: Record<string, unknown>
  /** Subordinate statements it issues, by subject id: extra claims (metadata_policy, metadata; `ttl`: exp − iat in seconds) or 'removed'. */
  subordinates: Map<string, Record<string, unknown> | 'removed'>
  /** Tamper with what it serves (a broken signature). */
  tamper?: (jwt: string, path: string) => string
}

export interface TestFederation {
  ca: string
  clock: { now: number }
  entity (name: string, configuration?: Record<string, unknown>): Promise<Entity>
  /** `superior` issues a statement about `subordinate` (with its federation keys) and `subordinate` names it in authority_hints. */
  subordinate (superior: Entity, subordinate: Entity, claims?: Record<string, unknown>): void
  /** A trust mark JWT about `subject` of `type` by `issuer`. */
  trustMark (issuer: Entity, subject: Entity, type: string, claims?: Record<string, unknown>): Promise<string>
  /** The trust anchor's keys as BEHORIG_FEDERATION_TRUST_ANCHORS takes them. */
  anchorConfig (...anchors: Entity[]): string
}

const seconds = (ms: number): number => Math.floor(ms / 1000)

export async function testFederation (): Promise<TestFederation> {
  const { key, cert } = selfSignedCertificate(t, 'federation.test')
  const entities = new Map<string, Entity>()
  const clock = { now: Date.now() }
  let origin = ''

  const signer = (entity: Entity): SignCallback => async ({ toBeSigned }) =>
    new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, entity.federationKey.privateKey, toBeSigned))
  const headerOf = (entity: Entity) => ({ alg: 'ES256', kid: entity.federationKey.publicJwk.kid as string, typ: 'entity-statement+jwt' as const })

  /**
   * An entity statement by `issuer`, built by @openid-federation/core: an entity
   * configuration when iss = sub, else a subordinate statement. The library (0.2.1) models
   * `trust_marks` on an earlier draft (entries and trust mark JWTs carry `id`), where final
   * OpenID Federation 1.0 §3 and §7.1 name it `trust_mark_type`; its schema refuses those
   * entries. Then the configuration is checked by the library without `trust_marks` and
   * encoded with the library's own JWS encoding (createJwtSignableInput, createJsonWebToken)
   * over the whole claims.
   */
  async function build (issuer: Entity, claims: Record<string, unknown>): Promise<string> {
    const header = headerOf(issuer)
    const signJwtCallback = signer(issuer)
    if (claims['iss'] !== claims['sub']) {
      return createEntityStatement({ header, claims: claims as never, jwk: issuer.federationKey.publicJwk as never, signJwtCallback })
    }
    if (claims['trust_marks'] === undefined) return createEntityConfiguration({ header, claims: claims as never, signJwtCallback })
    const checked = Object.fromEntries(Object.entries(claims).filter(([name]) => name !== 'trust_marks'))
    await createEntityConfiguration({ header, claims: checked as never, signJwtCallback })
    return createJsonWebToken(header, claims, await signJwtCallback({ toBeSigned: createJwtSignableInput(header, claims), jwk: issuer.federationKey.publicJwk as never }))
  }
  const jwksOf = (entity: Entity) => ({ keys: [entity.federationKey.publicJwk] })

  async function answer (path: string, query: URLSearchParams): Promise<string | undefined> {
    const [, name, ...rest] = path.split('/')
    const entity = entities.get(name ?? '')
    if (!entity) return undefined
    const iat = seconds(clock.now)
    const tail = `/${rest.join('/')}`
    if (tail === '/.well-known/openid-federation') {
      return build(entity, { iss: entity.id, sub: entity.id, iat, exp: iat + 86_400, jwks: jwksOf(entity), ...entity.configuration })
    }
    if (tail === '/fetch') {
      const subject = [...entities.values()].find((e) => e.id === query.get('sub'))
      const claims = subject ? entity.subordinates.get(subject.id) : undefined
      if (!subject || !claims || claims === 'removed') return undefined
      const { ttl, ...rest } = claims
      return build(entity, { iss: entity.id, sub: subject.id, iat, exp: iat + (typeof ttl === 'number' ? ttl : 86_400), jwks: jwksOf(subject), ...rest })
    }
    return undefined
  }

  const server: Server = createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1')
    answer(url.pathname, url.searchParams).then((jwt) => {
      if (jwt === undefined) { res.writeHead(404).end(); return }
      const name = url.pathname.split('/')[1] ?? ''
      const body = entities.get(name)?.tamper?.(jwt, url.pathname) ?? jwt
      res.writeHead(200, { 'content-type': 'application/entity-statement+jwt' }).end(body)
    }).catch((error: unknown) => { res.writeHead(500).end(String(error)) })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.close(() => { resolve() }) }))
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    ca: cert,
    clock,
    async entity (name, configuration = {}) {
      const { privateKey, publicKey } = await generateKeyPair('ES256')
      const publicJwk = { ...await exportJWK(publicKey), kid: `${name}-federation-1`, alg: 'ES256', use: 'sig' }
      const id = `${origin}/${name}`
      const entity: Entity = {
        name,
        id,
        federationKey: { privateKey, publicJwk },
        configuration: { metadata: { federation_entity: { organization_name: name, federation_fetch_endpoint: `${id}/fetch` } }, ...configuration },
        subordinates: new Map()
      }
      entities.set(name, entity)
      return entity
    },
    subordinate (superior, subordinate, claims = {}) {
      superior.subordinates.set(subordinate.id, claims)
      const hints = (subordinate.configuration['authority_hints'] as string[] | undefined) ?? []
      if (!hints.includes(superior.id)) subordinate.configuration['authority_hints'] = [...hints, superior.id]
    },
    async trustMark (issuer, subject, type, claims = {}) {
      const iat = seconds(clock.now)
      return new SignJWT({ iss: issuer.id, sub: subject.id, trust_mark_type: type, iat, exp: iat + 30 * 86_400, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: issuer.federationKey.publicJwk.kid as string, typ: 'trust-mark+jwt' })
        .sign(issuer.federationKey.privateKey)
    },
    anchorConfig (...anchors) {
      return JSON.stringify(Object.fromEntries(anchors.map((a) => [a.id, jwksOf(a)])))
    }
  }
}
