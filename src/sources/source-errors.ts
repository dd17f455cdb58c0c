import { defineProblem } from '../http/problem.js'

export const UnknownSource = defineProblem('unknown-source', 'No such source', 404)
