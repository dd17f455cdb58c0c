import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import t from 'tap'
import { selfSignedCertificate } from './self-signed-certificate.js'

/**
 * A test federation on one loopback HTTPS server: every entity lives under its own path
 * (`https://127.0.0.1:PORT/<name>`), publishes its entity configuration at
 * `<id>/.well-known/openid-federation` and, if it is a superior, its subordinate statements
 * at `<id>/fetch?sub=`. Statements are built with plain jose SignJWT, independently of
 * behorig's resolver (src/federation/), and signed at request time by the federation's
 * own clock, which tests move.
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

  async function sign (entity: Entity, claims: Record<string, unknown>, typ = 'entity-statement+jwt'): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: entity.federationKey.publicJwk.kid as string, typ }).sign(entity.federationKey.privateKey)
  }
  const jwksOf = (entity: Entity) => ({ keys: [entity.federationKey.publicJwk] })

  async function answer (path: string, query: URLSearchParams): Promise<string | undefined> {
    const [, name, ...rest] = path.split('/')
    const entity = entities.get(name ?? '')
    if (!entity) return undefined
    const iat = seconds(clock.now)
    const tail = `/${rest.join('/')}`
    if (tail === '/.well-known/openid-federation') {
      return sign(entity, { iss: entity.id, sub: entity.id, iat, exp: iat + 86_400, jwks: jwksOf(entity), ...entity.configuration })
    }
    if (tail === '/fetch') {
      const subject = [...entities.values()].find((e) => e.id === query.get('sub'))
      const claims = subject ? entity.subordinates.get(subject.id) : undefined
      if (!subject || !claims || claims === 'removed') return undefined
      const { ttl, ...rest } = claims
      return sign(entity, { iss: entity.id, sub: subject.id, iat, exp: iat + (typeof ttl === 'number' ? ttl : 86_400), jwks: jwksOf(subject), ...rest })
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
    }).catch(() => { res.writeHead(500).end() })
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
      return sign(issuer, { iss: issuer.id, sub: subject.id, trust_mark_type: type, iat, exp: iat + 30 * 86_400, ...claims }, 'trust-mark+jwt')
    },
    anchorConfig (...anchors) {
      return JSON.stringify(Object.fromEntries(anchors.map((a) => [a.id, jwksOf(a)])))
    }
  }
}
