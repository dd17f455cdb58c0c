import { defineProblem } from '../http/problem.js'

export const UnknownCatalogDomain = defineProblem('unknown-catalog-domain', 'No such catalog domain', 404)
export const UnknownCatalogVersion = defineProblem('unknown-catalog-version', 'No such catalog version', 404)
export const UnknownCatalogAttribute = defineProblem('unknown-catalog-attribute', 'No such attribute in the catalog', 404)
/** 422: the document breaks the catalog schema or rules; `errors` points at each violation. */
export const InvalidCatalog = defineProblem('invalid-catalog', 'The attribute catalog is not valid', 422)
/** Published means frozen: a change to a published version must be a new version. */
export const PublishedCatalogChanged = defineProblem('published-catalog-changed', 'A published catalog version was changed', 409)
