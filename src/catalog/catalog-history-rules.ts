import semver from 'semver'
import { bumpRank, diffCatalogs, type VersionBump } from './catalog-diff.js'
import type { CatalogDocument, CatalogViolation } from './catalog-types.js'

export interface VersionedDocument {
  file: string
  document: CatalogDocument
}

/**
 * Rules between versions of one domain, taken in the order given (file order from the
 * loader, publication order from the store): versions only go up, removed ids never come
 * back, and each version is at least the step its changes need (see catalog-diff.ts).
 */
export function historyViolations (entries: readonly VersionedDocument[]): CatalogViolation[] {
  const byDomain = new Map<string, VersionedDocument[]>()
  for (const entry of entries) byDomain.set(entry.document.domain, [...(byDomain.get(entry.document.domain) ?? []), entry])
  return [...byDomain.values()].flatMap(domainViolations)
}

function domainViolations (versions: readonly VersionedDocument[]): CatalogViolation[] {
  const out: CatalogViolation[] = []
  const lastSeenIn = new Map<string, string>()
  let previous: VersionedDocument | undefined
  for (const current of versions) {
    const version = current.document.version
    if (previous && !semver.gt(version, previous.document.version)) {
      out.push({ file: current.file, pointer: '/version', rule: 'version-order', message: `Version ${version} follows version ${previous.document.version} (${previous.file}) but is not higher; the versions of a domain only go up.` })
      continue
    }
    if (previous) {
      out.push(...reusedIds(current, previous, lastSeenIn), ...insufficientBumps(current, previous))
    }
    for (const attribute of current.document.attributes) lastSeenIn.set(attribute.id, version)
    previous = current
  }
  return out
}

function reusedIds (current: VersionedDocument, previous: VersionedDocument, lastSeenIn: ReadonlyMap<string, string>): CatalogViolation[] {
  const inPrevious = new Set(previous.document.attributes.map((a) => a.id))
  return current.document.attributes.flatMap((attribute, i) => {
    const last = lastSeenIn.get(attribute.id)
    if (inPrevious.has(attribute.id) || last === undefined) return []
    return [{
      file: current.file,
      pointer: `/attributes/${i}/id`,
      rule: 'id-reused' as const,
      message: `The id ${attribute.id} was removed after version ${last}; a removed id is never used again, so give this attribute a new id.`
    }]
  })
}

function insufficientBumps (current: VersionedDocument, previous: VersionedDocument): CatalogViolation[] {
  const from = previous.document.version
  const to = current.document.version
  const step = versionStep(from, to)
  // Semver §4: 0.x is initial development; there a minor step may carry breaking changes.
  const draft = semver.major(from) === 0
  return diffCatalogs(previous.document, current.document).changes.flatMap((change) => {
    const needed: VersionBump = draft && change.bump === 'major' ? 'minor' : change.bump
    if (bumpRank(needed) <= bumpRank(step)) return []
    return [{
      file: current.file,
      pointer: change.pointer,
      rule: 'semver-bump' as const,
      message: `${change.message} That needs a new ${needed} version, but ${to} is only a ${step} step from ${from}.`
    }]
  })
}

/** The step between two increasing versions: which of major, minor and patch went up first. */
export function versionStep (from: string, to: string): VersionBump {
  if (semver.major(to) > semver.major(from)) return 'major'
  if (semver.minor(to) > semver.minor(from)) return 'minor'
  if (semver.patch(to) > semver.patch(from)) return 'patch'
  return 'none'
}
