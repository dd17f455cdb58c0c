import type { Dirent } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import semver from 'semver'
import { parseDocument } from 'yaml'
import { packageRoot } from '../store/package-root.js'
import { contentHash } from './catalog-hash.js'
import type { CatalogViolation, LoadedCatalogFile } from './catalog-types.js'

/** What a set of files yielded: the parsed ones, and why the others could not be read. */
export interface CatalogLoadResult {
  files: LoadedCatalogFile[]
  violations: CatalogViolation[]
}

const VERSION_FILE = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.yaml$/

/** `attribute-catalog/` of this package, whether the code runs from src/ or dist/src/. */
export function defaultCatalogDir (): string {
  return join(packageRoot(), 'attribute-catalog')
}

/** Domain and version a path claims by its layout `<domain>/<version>.yaml`, if it follows it. */
export function pathCoordinates (file: string): { domain: string, version: string } | undefined {
  const name = basename(file)
  if (!VERSION_FILE.test(name)) return undefined
  return { domain: basename(dirname(file)), version: name.slice(0, -'.yaml'.length) }
}

/** Every `<domain>/<version>.yaml` under `dir`, in domain order and then version order. */
export async function loadCatalogDirectory (dir = defaultCatalogDir()): Promise<CatalogLoadResult> {
  const result: CatalogLoadResult = { files: [], violations: [] }
  for (const domainDir of await visibleEntries(dir)) {
    if (!domainDir.isDirectory()) {
      if (/\.ya?ml$/.test(domainDir.name)) result.violations.push(misplaced(join(dir, domainDir.name), 'lies outside a domain folder; move it to <domain>/<version>.yaml.'))
      continue
    }
    for (const entry of await visibleEntries(join(dir, domainDir.name))) {
      const file = join(dir, domainDir.name, entry.name)
      if (entry.isFile() && VERSION_FILE.test(entry.name)) merge(result, await loadCatalogFile(file))
      else result.violations.push(misplaced(file, 'is not a catalog file: a domain folder holds only files named <version>.yaml, such as 1.0.0.yaml.'))
    }
  }
  result.files = sortCatalogFiles(result.files)
  return result
}

/** One file, read and parsed; its place in the layout is checked by the validator. */
export async function loadCatalogFile (file: string): Promise<CatalogLoadResult> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read'
    return { files: [], violations: [misplaced(file, `${reason}.`)] }
  }
  return parseCatalogYaml(file, text)
}

/** Parses YAML text; a syntax error, a duplicate key or a second document is a violation. */
export function parseCatalogYaml (file: string, text: string): CatalogLoadResult {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true })
  if (doc.errors.length > 0) {
    return {
      files: [],
      violations: doc.errors.map((error) => ({
        file, pointer: '', rule: 'yaml-syntax' as const, message: `The file is not valid YAML: ${firstLine(error.message)}`
      }))
    }
  }
  const document: unknown = doc.toJS({ maxAliasCount: 1000 })
  return { files: [{ file, document, hash: contentHash(document) }], violations: [] }
}

/** Domain, then semver; files outside the layout sort by the version their document claims. */
export function sortCatalogFiles<T extends LoadedCatalogFile> (files: readonly T[]): T[] {
  const key = (f: T) => {
    const at = pathCoordinates(f.file)
    const doc = (f.document ?? {}) as { domain?: unknown, version?: unknown }
    return { domain: at?.domain ?? String(doc.domain), version: at?.version ?? String(doc.version) }
  }
  return [...files].sort((a, b) => {
    const ka = key(a)
    const kb = key(b)
    if (ka.domain !== kb.domain) return ka.domain < kb.domain ? -1 : 1
    const va = semver.valid(ka.version)
    const vb = semver.valid(kb.version)
    return va && vb ? semver.compare(va, vb) : ka.version.localeCompare(kb.version)
  })
}

async function visibleEntries (dir: string): Promise<Dirent[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  // Dotfiles (editor and OS litter) and the folder's own documentation are not catalog content.
  return entries
    .filter((e) => !e.name.startsWith('.') && !(e.isFile() && e.name.endsWith('.md')))
    .sort((a, b) => a.name.localeCompare(b.name))
}

function misplaced (file: string, what: string): CatalogViolation {
  return { file, pointer: '', rule: 'file-layout', message: `This file ${what}` }
}

function merge (into: CatalogLoadResult, from: CatalogLoadResult): void {
  into.files.push(...from.files)
  into.violations.push(...from.violations)
}

// Pretty errors read "<what> at line L, column C:" followed by an excerpt; the first line is enough.
function firstLine (message: string): string {
  return (message.split('\n')[0] ?? message).trim().replace(/:$/, '')
}
