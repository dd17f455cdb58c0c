import { defineProblem } from '../http/problem.js'

export const UnknownPerson = defineProblem('unknown-person', 'No such person', 404)
