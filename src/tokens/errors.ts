import { defineProblem } from '../http/problem.js'

/** No status list has this id. */
export const UnknownStatusList = defineProblem('unknown-status-list', 'No such status list', 404)

/** A status was set for an index that its list never handed out. */
export const UnknownStatusIndex = defineProblem('unknown-status-index', 'No such status-list index', 404)
