import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import type { CatalogAttribute, CatalogDocument } from '../../../src/catalog/catalog-types.js'
import type { CatalogInput } from '../../../src/catalog/catalog-validator.js'

/** Test data for the catalog tests: fresh copies of the real catalogs, so each test can break its own. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const CATALOG_DIR = join(REPO_ROOT, 'attribute-catalog')
export const FIXTURE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'catalog')

export function realCatalogText (domain = 'socialtjanst', version = '1.0.0'): string {
  return readFileSync(join(CATALOG_DIR, domain, `${version}.yaml`), 'utf8')
}

export function realCatalog (domain = 'socialtjanst', version = '1.0.0'): CatalogDocument {
  return parse(realCatalogText(domain, version)) as CatalogDocument
}

export function fixtureCatalog (path: string): CatalogDocument {
  return parse(readFileSync(join(FIXTURE_DIR, path), 'utf8')) as CatalogDocument
}

/** The document as if it were a file at `<dir>/<domain>/<version>.yaml`. */
export function asFile (document: CatalogDocument, dir = '/catalogs'): CatalogInput {
  return { file: `${dir}/${document.domain}/${document.version}.yaml`, document }
}

/** A copy of `document` claiming another version; `change` edits the copy. */
export function nextVersion (document: CatalogDocument, version: string, change: (doc: CatalogDocument) => void = () => {}): CatalogDocument {
  const copy = structuredClone(document)
  copy.version = version
  change(copy)
  return copy
}

export function attribute (document: CatalogDocument, id: string): CatalogAttribute {
  const found = document.attributes.find((a) => a.id === id)
  if (!found) throw new Error(`test data has no attribute ${id}`)
  return found
}

export function position (document: CatalogDocument, id: string): number {
  const i = document.attributes.findIndex((a) => a.id === id)
  if (i < 0) throw new Error(`test data has no attribute ${id}`)
  return i
}
