import { isAbsolute, relative } from 'node:path'
import type { CatalogDiff } from './catalog-diff.js'
import { versionStep } from './catalog-history-rules.js'
import type { CatalogDomainSummary } from './catalog-index.js'
import type { CatalogViolation } from './catalog-types.js'

/** A path as the user would type it from `cwd`; absolute when it lies outside. */
export function shownPath (file: string, cwd: string): string {
  const rel = relative(cwd, file)
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel
}

/** `file pointer: message`, one line per violation (no pointer for the whole file). */
export function formatViolations (violations: readonly CatalogViolation[], cwd: string): string {
  return violations.map((v) => `${shownPath(v.file, cwd)}${v.pointer ? ' ' + v.pointer : ''}: ${v.message}\n`).join('')
}

export function formatViolationSummary (violations: readonly CatalogViolation[]): string {
  const files = new Set(violations.map((v) => v.file)).size
  return `${violations.length} problem${violations.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}.\n`
}

/** A diff for a terminal: what was added, deprecated, removed and changed, and the step it needs. */
export function formatDiff (diff: CatalogDiff): string {
  const lines = [`${diff.domain} ${diff.from} → ${diff.to}`]
  const section = (title: string, items: string[]) => {
    lines.push(`${title} (${items.length})${items.length ? ':' : ''}`)
    for (const item of items) lines.push(`  ${item}`)
  }
  section('added', diff.added.map((id) => `+ ${id}`))
  section('deprecated', diff.deprecated.map((d) => `~ ${d.id} → ${d.replaced_by ?? '(no replacement)'}`))
  section('removed', diff.removed.map((id) => `- ${id}`))
  section('changed', diff.changed.map((c) => `* ${c.id}: ${c.fields.join(', ')}`))
  if (diff.references.length > 0) {
    section('revised references', diff.references.map((r) => `§ ${r.from} → ${r.to} (${r.attributes.length === 1 ? r.attributes[0] : `${r.attributes.length} attributes`})`))
  }
  if (diff.codes.length > 0) section('code lists', diff.codes.map((c) => `${c.change} ${c.list}/${c.code}`))
  const step = versionStep(diff.from, diff.to)
  const needed = diff.required_bump === 'none' ? 'nothing that needs a new version' : `changes that need a ${diff.required_bump} step`
  lines.push(`${needed}; ${step === 'none' ? 'the versions are the same' : `${diff.from} → ${diff.to} is a ${step} step`}.`)
  return lines.join('\n') + '\n'
}

export function formatDomainTable (domains: readonly CatalogDomainSummary[]): string {
  const rows = [['domain', 'latest', 'attributes', 'versions'], ...domains.map((d) => [d.domain, d.latest, String(d.attributes), d.versions.join(', ')])]
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)))
  return rows.map((r) => r.map((cell, col) => col === r.length - 1 ? cell : cell.padEnd(widths[col]!)).join('  ')).join('\n') + '\n'
}
