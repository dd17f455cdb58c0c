import { documentRuleViolations } from './catalog-document-rules.js'
import { historyViolations, type VersionedDocument } from './catalog-history-rules.js'
import { schemaViolations } from './catalog-schema-check.js'
import type { CatalogDocument, CatalogViolation } from './catalog-types.js'
import { catalogWideViolations } from './catalog-wide-rules.js'

/** A document to check and the file it came from (or another label, e.g. for a request body). */
export interface CatalogInput {
  file: string
  document: unknown
}

export interface DocumentCheckOptions {
  /** Check that the file sits at `<domain>/<version>.yaml` (default true). Off for documents that are not files. */
  checkPath?: boolean
}

export interface DocumentCheck {
  violations: CatalogViolation[]
  /** The typed document when it has the catalog's shape (it may still break other rules). */
  document?: CatalogDocument
}

/**
 * The one validator (start-up, CLI, tests): the schema first, since nothing else is
 * meaningful when the shape is wrong, then the rules a schema cannot state.
 */
export function checkCatalogDocument (input: CatalogInput, options: DocumentCheckOptions = {}): DocumentCheck {
  const shape = schemaViolations(input.file, input.document)
  if (shape.length > 0) return { violations: shape }
  const document = input.document as CatalogDocument
  return { violations: documentRuleViolations(input.file, document, { checkPath: options.checkPath ?? true }), document }
}

/** Violations of one document on its own (a replacement in another domain is not checked here). */
export function validateCatalogDocument (input: CatalogInput, options: DocumentCheckOptions = {}): CatalogViolation[] {
  return checkCatalogDocument(input, options).violations
}

/**
 * Every document on its own, then each domain's versions against each other, in the
 * order given (sort files by version, as the loader does; pass published versions in
 * publication order), then all of them together: replacements in other domains and
 * entitlement URIs across domains and versions. Violations come grouped by file, in input
 * order. A document that names another domain's attribute as its replacement needs that
 * domain's files among the inputs.
 */
export function validateCatalogs (inputs: readonly CatalogInput[]): CatalogViolation[] {
  const violations: CatalogViolation[] = []
  const comparable: VersionedDocument[] = []
  for (const input of inputs) {
    const check = checkCatalogDocument(input)
    violations.push(...check.violations)
    if (check.document) comparable.push({ file: input.file, document: check.document })
  }
  violations.push(...historyViolations(comparable), ...catalogWideViolations(comparable))
  const order = new Map(inputs.map((input, i) => [input.file, i]))
  return violations
    .map((v, i) => ({ v, i }))
    .sort((a, b) => (order.get(a.v.file) ?? 0) - (order.get(b.v.file) ?? 0) || a.i - b.i)
    .map(({ v }) => v)
}
