import { defineProblem } from '../http/problem.js'

export const InvalidCredentials = defineProblem('invalid-credentials', 'The bearer token is not valid', 401)
export const InsufficientScope = defineProblem('insufficient-scope', 'The API key lacks the scope this route needs', 403)
export const ForeignOrganisation = defineProblem('foreign-organisation', 'The API key belongs to another organisation', 403)
export const PlatformAdminOnly = defineProblem('platform-admin-only', 'Only the platform admin may do this', 403)
