import { defineProblem } from '../http/problem.js'

export const UnknownProblemType = defineProblem('unknown-problem-type', 'Unknown problem type', 404)
