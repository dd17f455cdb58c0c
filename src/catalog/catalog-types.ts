import type { Static } from 'typebox'
import type { CatalogAttributeSchema, CatalogDocumentSchema } from './catalog-document-schema.js'

export type CatalogDocument = Static<typeof CatalogDocumentSchema>
export type CatalogAttribute = Static<typeof CatalogAttributeSchema>

/** A catalog file as read from disk, before validation: the document may be anything. */
export interface LoadedCatalogFile {
  /** Path of the file, as found (the CLI shows it relative to the working directory). */
  file: string
  document: unknown
  /** `sha256:<hex>` over the canonical JSON of the document (see catalog-hash.ts). */
  hash: string
}

/** A catalog file that passed validation. */
export interface CatalogEntry extends LoadedCatalogFile {
  document: CatalogDocument
}

export const CATALOG_RULES = [
  'yaml-syntax', 'file-layout', 'schema', 'id-format', 'replaced-by-required',
  'path-mismatch', 'duplicate-id', 'id-domain', 'duplicate-code', 'unknown-area', 'unknown-function',
  'dangling-replaced-by', 'replaced-by-on-active', 'replacement-and-note', 'deprecation-note-on-active', 'retires-on-active',
  'entitlement-mismatch', 'duplicate-entitlement',
  'version-order', 'id-reused', 'semver-bump', 'entitlement-reused', 'published-changed'
] as const
export type CatalogRule = typeof CATALOG_RULES[number]

/** One thing wrong with a catalog file, worded for a catalog steward. */
export interface CatalogViolation {
  file: string
  /** JSON Pointer (RFC 6901) into the document; '' is the whole document. */
  pointer: string
  message: string
  rule: CatalogRule
}
