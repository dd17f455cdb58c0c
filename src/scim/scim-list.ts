import { invalidValue } from './scim-errors.js'
import { LIST_RESPONSE_MESSAGE } from './scim-urns.js'

/** Most resources one page holds; announced as `filter.maxResults` in /ServiceProviderConfig. */
export const SCIM_MAX_RESULTS = 200
/** Page size when the client sends no `count`. */
export const SCIM_DEFAULT_COUNT = 100

export interface ListLimits { defaultCount: number, maxResults: number }

/** The page a client asked for (RFC 7644 §3.4.2.4), and the SQL-style offset it means. */
export interface ListWindow {
  /** 1-based index of the first result. */
  startIndex: number
  /** How many results at most; 0 asks for `totalResults` alone. */
  count: number
  offset: number
}

export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_MESSAGE]
  totalResults: number
  startIndex: number
  itemsPerPage: number
  Resources: T[]
}

/**
 * `startIndex` below 1 is read as 1 and a negative `count` as 0, as RFC 7644 §3.4.2.4 says;
 * a `count` above `maxResults` is cut to it. Anything that is not an integer is a 400.
 */
export function parseListWindow (query: { startIndex?: unknown, count?: unknown }, limits: ListLimits = { defaultCount: SCIM_DEFAULT_COUNT, maxResults: SCIM_MAX_RESULTS }): ListWindow {
  const startIndex = Math.max(1, readInteger(query.startIndex, 'startIndex') ?? 1)
  const count = Math.min(limits.maxResults, Math.max(0, readInteger(query.count, 'count') ?? limits.defaultCount))
  return { startIndex, count, offset: startIndex - 1 }
}

function readInteger (value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value
  if (typeof value === 'string' && /^-?[0-9]{1,15}$/.test(value.trim())) return Number(value.trim())
  throw invalidValue(`${name} must be an integer`)
}

/** A ListResponse for one page already cut by the store; `totalResults` counts every match. */
export function listResponse<T> (page: T[], totalResults: number, window: ListWindow): ListResponse<T> {
  const resources = page.slice(0, window.count)
  return { schemas: [LIST_RESPONSE_MESSAGE], totalResults, startIndex: window.startIndex, itemsPerPage: resources.length, Resources: resources }
}

/** A ListResponse cut from every match held in memory (filters the store could not answer). */
export function paginate<T> (all: T[], window: ListWindow): ListResponse<T> {
  return listResponse(all.slice(window.offset, window.offset + window.count), all.length, window)
}
