import { defineProblem } from '../http/problem.js'

/** A relying-party document does not validate against schemas/relying-party.schema.json, or a key in it is unusable. */
export const RelyingPartyInvalid = defineProblem('relying-party-invalid', 'The relying-party document is not valid', 422)

/** No relying party has this client_id. */
export const UnknownRelyingParty = defineProblem('unknown-relying-party', 'No such relying party', 404)
