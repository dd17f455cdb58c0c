import type { AuditEventInput } from '../audit/audit-event.js'
import type { StoredRelyingParty } from '../relying-parties/repository.js'
import { authenticateClient, type ClientAssertionDeps, type ClientCredentials } from './client-assertion.js'
import { claimedClientId } from './claimed-client.js'
import { OAuthError } from './errors.js'
import type { RecordAudit } from './token-endpoint-audit.js'

export type ClientAuthentication = (form: ClientCredentials) => Promise<StoredRelyingParty>

/** private_key_jwt client authentication whose every refusal as invalid_client is audited before it is answered. */
export function auditedClientAuthentication (deps: ClientAssertionDeps, record: RecordAudit): ClientAuthentication {
  return async function authenticate (form) {
    try {
      return await authenticateClient(form, deps)
    } catch (error) {
      if (error instanceof OAuthError && error.code === 'invalid_client') await record(refusedClient(form, error))
      throw error
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
