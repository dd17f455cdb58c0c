import type { StoredRelyingParty } from '../relying-parties/repository.js'
import type { TokenRequest, TokenResponseBody } from './schemas.js'
import { issueAccessToken, ATTRIBUTE_TOKEN_SCOPE } from './access-token.js'
import type { KeyService } from '../keys/service.js'
import { invalidScope } from './errors.js'
import type { RecordAudit } from './token-endpoint-audit.js'

/** One grant type's handler, called with the form once the client is authenticated (RFC 6749 §3.2.1). */
export type GrantHandler = (form: TokenRequest, client: StoredRelyingParty) => Promise<TokenResponseBody>
/** By grant_type. A Map, not an object: a request's `toString` or `__proto__` must name no grant. */
export type Grants = ReadonlyMap<string, GrantHandler>

/** RFC 6749 §4.4: the client asks for an access token for itself; each one issued is audited. */
export function clientCredentialsGrant (deps: { keys: Pick<KeyService, 'signer'>, issuer: string, record: RecordAudit }): GrantHandler {
  return async function clientCredentials (form, client) {
    if (form.scope !== undefined && form.scope.split(' ').some((s) => s !== ATTRIBUTE_TOKEN_SCOPE)) {
      throw invalidScope(`the only scope is ${ATTRIBUTE_TOKEN_SCOPE}`)
    }
    const { issued, jti, exp } = await issueAccessToken(deps, client)
    await deps.record({
      organisation: null,
      action: 'access-token.issued',
      actor: { kind: 'relying-party', client_id: client.clientId },
      client_id: client.clientId,
      details: { jti, expires_at: new Date(exp * 1000).toISOString(), scope: issued.scope }
    })
    return issued
  }
}
