import { CatalogIndex } from './catalog-index.js'
import { defaultCatalogDir, loadCatalogDirectory } from './catalog-loader.js'
import type { CatalogEntry, CatalogViolation } from './catalog-types.js'
import { validateCatalogs } from './catalog-validator.js'
import { InvalidCatalog } from './errors.js'

export interface LoadedCatalogs {
  entries: CatalogEntry[]
  violations: CatalogViolation[]
}

/** Reads and validates every catalog file under `dir`; entries are empty unless all are valid. */
export async function loadAndValidateCatalogs (dir = defaultCatalogDir()): Promise<LoadedCatalogs> {
  const loaded = await loadCatalogDirectory(dir)
  const violations = [...loaded.violations, ...validateCatalogs(loaded.files)]
  return { entries: violations.length === 0 ? loaded.files as CatalogEntry[] : [], violations }
}

/**
 * What the app calls at start-up: the index of all catalogs, or an `invalid-catalog`
 * problem listing every violation, so a broken catalog stops the service instead of
 * serving half of it.
 */
export async function loadCatalogIndex (dir = defaultCatalogDir()): Promise<CatalogIndex> {
  const { entries, violations } = await loadAndValidateCatalogs(dir)
  if (violations.length > 0) throw invalidCatalog(violations)
  return CatalogIndex.fromEntries(entries)
}

/** The problem for a set of violations: one `errors` item per violation, file named in the detail. */
export function invalidCatalog (violations: readonly CatalogViolation[]) {
  const files = new Set(violations.map((v) => v.file))
  return InvalidCatalog({
    detail: `${violations.length} problem${violations.length === 1 ? '' : 's'} in ${files.size} catalog file${files.size === 1 ? '' : 's'}: ${violations.slice(0, 3).map((v) => `${v.file} ${v.pointer}: ${v.message}`).join(' ')}`,
    errors: violations.map((v) => ({ pointer: v.pointer, detail: `${v.file}: ${v.message}` })),
    extensions: { violations }
  })
}
