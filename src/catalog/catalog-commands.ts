import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import semver from 'semver'
import { formatDiff, formatDomainTable, formatViolations, formatViolationSummary, shownPath } from './catalog-cli-format.js'
import { diffCatalogs } from './catalog-diff.js'
import { catalogJsonSchema } from './catalog-document-schema.js'
import { CatalogIndex } from './catalog-index.js'
import { defaultCatalogDir, loadCatalogDirectory, loadCatalogFile, pathCoordinates, sortCatalogFiles } from './catalog-loader.js'
import { loadAndValidateCatalogs } from './catalog-startup.js'
import type { CatalogDocument, CatalogViolation, LoadedCatalogFile } from './catalog-types.js'
import { checkCatalogDocument, validateCatalogs } from './catalog-validator.js'

export interface CatalogCliIo {
  stdout: { write: (text: string) => unknown }
  stderr: { write: (text: string) => unknown }
  /** Where the catalogs live; `--dir` overrides it. Default: the package's attribute-catalog/. */
  catalogDir?: string
  /** Paths on the command line are relative to this; shown paths too. Default: process.cwd(). */
  cwd?: string
}

export const USAGE = `Usage: npm run catalog -- <command> [--dir <catalog folder>]

  validate [files...]            check every catalog (or the given files, against the
                                 versions before them); exit 1 on any problem
  diff <domain> <from> <to>      what changed between two versions; a version may also be
       [--json]                  a file path, e.g. a proposed <domain>/<version>.yaml
  list [--json]                  domains, versions, latest version, attribute counts
  schema                         print schemas/attribute-catalog.schema.json
`

interface Context { io: CatalogCliIo, dir: string, cwd: string, json: boolean }
type Command = (args: string[], ctx: Context) => Promise<number>

/** A Map: a command line's `toString` or `constructor` names no command. */
const COMMANDS = new Map<string, Command>([['validate', validate], ['diff', diff], ['list', list], ['schema', schema]])

/** The whole CLI as a function: arguments in, exit code out (0 ok, 1 problems found, 2 usage). */
export async function runCatalogCli (argv: readonly string[], io: CatalogCliIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { json: { type: 'boolean' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  const [name, ...args] = parsed.positionals
  if (parsed.values.help || name === 'help') {
    io.stdout.write(USAGE)
    return 0
  }
  const command = name === undefined ? undefined : COMMANDS.get(name)
  if (!command) {
    io.stderr.write(`${name === undefined ? 'No command given.' : `Unknown command "${name}".`}\n\n${USAGE}`)
    return 2
  }
  const cwd = io.cwd ?? process.cwd()
  const dir = parsed.values.dir !== undefined ? resolve(cwd, parsed.values.dir) : io.catalogDir ?? defaultCatalogDir()
  return await command(args, { io, dir, cwd, json: parsed.values.json ?? false })
}

async function validate (files: string[], ctx: Context): Promise<number> {
  const loaded = await loadCatalogDirectory(ctx.dir)
  let inputs = loaded.files
  let layoutViolations = loaded.violations
  const named = files.map((f) => resolve(ctx.cwd, f))
  if (named.length > 0) {
    // Named files are checked in place of the catalog's own file for the same version, so a
    // proposal is measured against the versions before it.
    const extra = await Promise.all(named.map(loadCatalogFile))
    const proposed = extra.flatMap((r) => r.files)
    inputs = sortCatalogFiles([...inputs.filter((f) => !proposed.some((p) => sameVersion(p, f))), ...proposed])
    layoutViolations = extra.flatMap((r) => r.violations)
  }
  const all = [...layoutViolations, ...validateCatalogs(inputs)]
  const shown = named.length > 0 ? all.filter((v) => named.includes(v.file)) : all
  if (shown.length > 0) return fail(ctx, shown)
  const checked = named.length > 0 ? inputs.filter((f) => named.includes(f.file)) : inputs
  for (const f of checked) {
    const doc = f.document as CatalogDocument
    ctx.io.stdout.write(`ok  ${doc.domain} ${doc.version}  ${shownPath(f.file, ctx.cwd)} (${doc.attributes.length} attributes)\n`)
  }
  ctx.io.stdout.write(`${checked.length} catalog file${checked.length === 1 ? '' : 's'} valid.\n`)
  return 0
}

async function diff (args: string[], ctx: Context): Promise<number> {
  const [domain, from, to] = args
  if (domain === undefined || from === undefined || to === undefined || args.length > 3) {
    ctx.io.stderr.write('diff needs a domain and two versions, e.g. diff socialtjanst 1.0.0 1.1.0\n')
    return 2
  }
  const loaded = await loadCatalogDirectory(ctx.dir)
  const before = await resolveVersion(domain, from, loaded.files, ctx)
  const after = await resolveVersion(domain, to, loaded.files, ctx)
  if ('violations' in before || 'violations' in after) {
    return fail(ctx, [...('violations' in before ? before.violations : []), ...('violations' in after ? after.violations : [])])
  }
  const result = diffCatalogs(before.document, after.document)
  ctx.io.stdout.write(ctx.json ? JSON.stringify(result, null, 2) + '\n' : formatDiff(result))
  return 0
}

async function list (_args: string[], ctx: Context): Promise<number> {
  const { entries, violations } = await loadAndValidateCatalogs(ctx.dir)
  if (violations.length > 0) return fail(ctx, violations)
  const domains = CatalogIndex.fromEntries(entries).domains()
  ctx.io.stdout.write(ctx.json ? JSON.stringify(domains, null, 2) + '\n' : formatDomainTable(domains))
  return 0
}

async function schema (_args: string[], ctx: Context): Promise<number> {
  ctx.io.stdout.write(JSON.stringify(catalogJsonSchema(), null, 2) + '\n')
  return 0
}

/** A version of the domain from the catalog folder (`latest` allowed), or a file given by path. */
async function resolveVersion (domain: string, spec: string, files: readonly LoadedCatalogFile[], ctx: Context): Promise<{ document: CatalogDocument } | { violations: CatalogViolation[] }> {
  let file: LoadedCatalogFile | undefined
  if (spec.endsWith('.yaml') || spec.includes('/')) {
    const loaded = await loadCatalogFile(resolve(ctx.cwd, spec))
    if (loaded.violations.length > 0) return { violations: loaded.violations }
    file = loaded.files[0]
  } else {
    const versions = files.filter((f) => pathCoordinates(f.file)?.domain === domain)
    const wanted = spec === 'latest' ? versions[versions.length - 1] : versions.find((f) => pathCoordinates(f.file)?.version === spec)
    if (!wanted) {
      const known = versions.map((f) => pathCoordinates(f.file)?.version).join(', ')
      const message = known ? `The catalog ${domain} has no version ${spec}; it has ${known}.` : `There is no catalog for the domain ${domain}.`
      return { violations: [{ file: ctx.dir, pointer: '', rule: 'file-layout', message }] }
    }
    file = wanted
  }
  if (!file) return { violations: [] }
  const check = checkCatalogDocument(file, { checkPath: false })
  if (!check.document) return { violations: check.violations }
  if (check.document.domain !== domain) {
    return { violations: [{ file: file.file, pointer: '/domain', rule: 'path-mismatch', message: `This catalog is for the domain ${check.document.domain}, not ${domain}.` }] }
  }
  return { document: check.document }
}

function sameVersion (a: LoadedCatalogFile, b: LoadedCatalogFile): boolean {
  const ca = pathCoordinates(a.file)
  const cb = pathCoordinates(b.file)
  return ca !== undefined && cb !== undefined && ca.domain === cb.domain && semver.eq(ca.version, cb.version)
}

function fail (ctx: Context, violations: readonly CatalogViolation[]): number {
  ctx.io.stderr.write(formatViolations(violations, ctx.cwd) + formatViolationSummary(violations))
  return 1
}
