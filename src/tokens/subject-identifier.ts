import type { SecretBox } from '../crypto/secret-box.js'
import type { SubjectType } from '../relying-parties/relying-party-document.js'

/** The purpose string that binds pairwise identifiers to their use (a separate HMAC domain from every other lookup hash). */
const PAIRWISE_PURPOSE = 'pairwise-subject v1'

/**
 * The `sub` an attribute token carries for a relying party, as its policy says:
 * - `pairwise` (OpenID Connect Core §8.1): a keyed HMAC (key HKDF-derived from the
 *   key-encryption key) over client_id, organisation and person — stable for one relying
 *   party, unlinkable across relying parties, and revealing nothing of the person id;
 * - `service-id`: the person's service identity (tjänsteidentitet);
 * - `personal-identity-number`: only where the policy states a legal basis (the schema
 *   refuses the policy otherwise), opened from its sealed form.
 */
export function subjectIdentifier (
  type: SubjectType,
  deps: { box: SecretBox, openPin: (sealed: string) => string },
  subject: { clientId: string, organisation: string, personId: string, serviceId: string, pinSealed: string | null }
): string | undefined {
  switch (type) {
    case 'pairwise': return deps.box.lookupHash(`${subject.clientId}\0${subject.organisation}\0${subject.personId}`, PAIRWISE_PURPOSE)
    case 'service-id': return subject.serviceId
    case 'personal-identity-number': return subject.pinSealed === null ? undefined : deps.openPin(subject.pinSealed)
  }
}
