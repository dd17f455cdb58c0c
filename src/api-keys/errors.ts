import { defineProblem } from '../http/problem.js'

export const UnknownApiKey = defineProblem('unknown-api-key', 'No such API key', 404)
export const ScopeEscalation = defineProblem('scope-escalation', 'A key cannot create or revoke a key with scopes it does not hold', 403)
