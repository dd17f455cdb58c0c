import type { SecretBox } from '../crypto/secret-box.js'
import { parsePersonalIdentityNumber, PIN_PURPOSE } from '../identifiers/personal-identity-number.js'
import type { SUBJECT_LOOKUP_TYPES } from './attribute-token-schemas.js'
import type { SubjectLookup } from './attribute-token-repository.js'

/**
 * How a person may be named: the public subject types of POST /v1/attribute-tokens, and
 * `username`, a directory account's user name, which only an organisation's IdP gives
 * (an eduPersonPrincipalName such as anna.svensson@exempelkommun.se is one, not an e-mail).
 */
export type NamedSubjectType = typeof SUBJECT_LOOKUP_TYPES[number] | 'username'

/**
 * A person as a caller names them: a relying party in POST /v1/attribute-tokens, or an
 * organisation's IdP through the claim its registration names (token exchange).
 */
export interface NamedSubject { type: NamedSubjectType, value: string }

/**
 * How a named subject is looked up, the same for every way of asking; a personnummer only
 * ever as its keyed hash.
 */
export function subjectLookup (named: NamedSubject, box: SecretBox): SubjectLookup {
  const { type, value } = named
  switch (type) {
    case 'service-id': return { by: 'service_id', value }
    case 'employee-number': return { by: 'employee_number', value }
    case 'email': return { by: 'email', value }
    case 'hsa-id': return { by: 'hsa_id', value }
    case 'username': return { by: 'username', value }
    case 'personal-identity-number': {
      const pin = parsePersonalIdentityNumber(value)
      // A malformed number matches no one: the same 404, and nothing about the number echoed.
      return { by: 'pin_lookup', value: pin.ok ? box.lookupHash(pin.value, PIN_PURPOSE) : '' }
    }
  }
}
