import type { Kysely } from 'kysely'
import type { Config } from './config/config-schema.js'
import type { SecretBox } from './crypto/secret-box.js'
import type { Database } from './store/database-types.js'
import { keyRepository } from './keys/repository.js'
import { keyService, type KeyService } from './keys/service.js'
import { relyingPartyRepository, type StoredRelyingParty } from './relying-parties/repository.js'
import { relyingPartyService, type RelyingPartyService } from './relying-parties/service.js'
import { clientKeys, type JwksFetchOptions } from './relying-parties/client-keys.js'
import type { OutboundFetch } from './net/outbound-fetch.js'
import { redisReplayGuard, type ReplayGuard } from './oauth/replay-guard.js'
import { storeReplayGuard } from './oauth/repository.js'
import { authenticateClient, type ClientCredentials } from './oauth/client-assertion.js'
import { accessTokenVerifier, type AccessTokenVerifier } from './oauth/access-token.js'
import { clientCredentialsGrant, type GrantHandler, type Grants } from './oauth/grants.js'
import { tokenEndpointOf } from './oauth/metadata.js'
import { statusListRepository } from './tokens/status-list-repository.js'
import { statusListService, type StatusListService } from './tokens/status-list-service.js'
import { attributeTokenService, type AttributeTokenService } from './tokens/attribute-token-service.js'
import { identityProviderRepository } from './identity-providers/repository.js'
import { TOKEN_EXCHANGE_GRANT, tokenExchangeGrant } from './oauth/token-exchange.js'
import { subjectTokenVerifiers } from './oauth/subject-tokens/subject-token-verifiers.js'
import { OAuthError } from './oauth/errors.js'
import { claimedClientId } from './oauth/claimed-client.js'
import { decodeJwt } from 'jose'
import type { AuditEventInput } from './audit/audit-event.js'
import { appendAudit } from './audit/audit-log.js'

/** Keys, relying parties, client authentication, access tokens and status lists: what token issuance builds on. */
export interface TokenServices {
  keys: KeyService
  relyingParties: RelyingPartyService
  authenticateClient (form: ClientCredentials): Promise<StoredRelyingParty>
  /** Bearer auth for the attribute-token endpoint. */
  accessTokens: AccessTokenVerifier
  /** Grant handlers of /oauth/token by grant_type; token exchange adds itself here. */
  grants: Grants
  statusLists: StatusListService
  /** Attribute tokens: issuance, and revocation through the status lists. */
  attributeTokens: AttributeTokenService
  close (): Promise<void>
}

export interface TokenServiceOptions {
  /** How relying parties' jwks_uri sets are fetched (tests trust their local CA here). */
  jwksFetch?: JwksFetchOptions
  /**
   * False only in the token benchmark's baseline run, to measure what auditing issuance
   * costs; no configuration reaches it.
   */
  issuanceAudit?: boolean
  /** The clock attribute validity is read by (the mapping recompute's; tests pin it). */
  evaluationClock?: () => Date
}

export function createTokenServices (config: Config, deps: { db: Kysely<Database>, box: SecretBox, outbound: Pick<OutboundFetch, 'get'> }, options: TokenServiceOptions = {}): TokenServices {
  const keys = keyService({ keys: keyRepository(deps.db), box: deps.box, policy: config.keys })
  const relyingParties = relyingPartyService({ relyingParties: relyingPartyRepository(deps.db) })
  const replay: ReplayGuard = config.redisUrl ? redisReplayGuard(config.redisUrl, config.jobs.queueName) : storeReplayGuard(deps.db)
  const findClient = (clientId: string): Promise<StoredRelyingParty | undefined> => relyingParties.findEnabled(clientId)
  const keySets = clientKeys(deps.outbound, options.jwksFetch)
  const assertionDeps = { issuer: config.issuer, tokenEndpoint: tokenEndpointOf(config.issuer), findClient, keys: keySets, replay }
  const statusLists = statusListService({ lists: statusListRepository(deps.db), keys, issuer: config.issuer })
  const attributeTokens = attributeTokenService({
    db: deps.db, box: deps.box, keys, statusLists, issuer: config.issuer, audit: options.issuanceAudit ?? true,
    ...(options.evaluationClock ? { evaluationClock: options.evaluationClock } : {})
  })
  // Token-endpoint events go on the platform chain, committed before the answer leaves.
  const audit = (event: AuditEventInput): Promise<void> => deps.db.transaction().execute((trx) => appendAudit(trx, [event]))
  const clientCredentials = clientCredentialsGrant({ keys, issuer: config.issuer })
  return {
    keys,
    relyingParties,
    async authenticateClient (form) {
      try {
        return await authenticateClient(form, assertionDeps)
      } catch (error) {
        if (error instanceof OAuthError && error.code === 'invalid_client') await audit(refusedClient(form, error))
        throw error
      }
    },
    accessTokens: accessTokenVerifier({ issuer: config.issuer, keys }),
    grants: new Map<string, GrantHandler>([
      ['client_credentials', async function clientCredentialsAudited (form, client) {
        const issued = await clientCredentials(form, client)
        const { jti, exp } = decodeJwt(issued.access_token)
        await audit({
          organisation: null, action: 'access-token.issued', actor: { kind: 'relying-party', client_id: client.clientId }, client_id: client.clientId,
          details: { jti, expires_at: new Date(Number(exp) * 1000).toISOString(), scope: issued.scope ?? null }
        })
        return issued
      }],
      [TOKEN_EXCHANGE_GRANT, tokenExchangeGrant({ subjectTokens: subjectTokenVerifiers({ issuer: config.issuer, findIdentityProvider: identityProviderRepository(deps.db).findByIssuer, keys: keySets }), attributeTokens })]
    ]),
    statusLists,
    attributeTokens,
    async close () {
      await attributeTokens.drain()
      await replay.close()
    }
  }
}

/**
 * A refused client authentication. Who it claimed to be is unverified: kept as a bounded
 * string, and the assertion itself never (it is a credential, if a spent one).
 */
function refusedClient (form: ClientCredentials, error: OAuthError): AuditEventInput {
  return {
    organisation: null,
    action: 'client-authentication.refused',
    actor: { kind: 'system', component: 'token-endpoint' },
    details: { claimed_client_id: claimedClientId(form) ?? null, reason: error.description }
  }
}
