import { defineProblem } from '../http/problem.js'

/** The organisation has not approved this relying party (or withdrew its approval). */
export const UnknownApproval = defineProblem('unknown-relying-party-approval', 'No such relying-party approval', 404)

/** An approval names an attribute the catalog lacks, a purpose the party did not register, or a past valid_until. */
export const ApprovalInvalid = defineProblem('relying-party-approval-invalid', 'The relying-party approval is not valid', 422)
