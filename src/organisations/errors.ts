import { defineProblem } from '../http/problem.js'

export const UnknownOrganisation = defineProblem('unknown-organisation', 'No such organisation', 404)
