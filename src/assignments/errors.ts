import { defineProblem } from '../http/problem.js'

/** No assignment with this id in the organisation. */
export const UnknownAssignment = defineProblem('unknown-assignment', 'No such assignment', 404)

/** The person, attribute, unit or period of an assignment is not one behorig can grant; `errors` point at the fields. */
export const AssignmentInvalid = defineProblem('assignment-invalid', 'The assignment is not valid', 422)

/** The assignment was already ended; an ended assignment stays ended. */
export const AssignmentEnded = defineProblem('assignment-ended', 'The assignment has already ended', 409)
