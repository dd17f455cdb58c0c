import semver from 'semver'
import type { CatalogAttribute, CatalogEntry } from './catalog-types.js'
import { UnknownCatalogAttribute, UnknownCatalogDomain, UnknownCatalogVersion } from './errors.js'

export interface CatalogDomainSummary {
  domain: string
  /** Oldest first. */
  versions: string[]
  latest: string
  /** Attributes in the latest version, active and deprecated. */
  attributes: number
}

export interface AttributeLookup {
  domain: string
  version: string
  attribute: CatalogAttribute
}

/** One catalog version as mappings see it (structurally the mapping module's CatalogView). */
export interface CatalogVersionView {
  attribute: (id: string) => CatalogAttribute | undefined
}

/**
 * The validated catalogs in memory: domains → versions (semver order) → document. Build
 * it only from entries that passed `validateCatalogs`; lookups throw the catalog's
 * problem types so routes can pass them straight on.
 */
export class CatalogIndex {
  private readonly byDomain: Map<string, CatalogEntry[]>

  private constructor (byDomain: Map<string, CatalogEntry[]>) {
    this.byDomain = byDomain
  }

  static fromEntries (entries: readonly CatalogEntry[]): CatalogIndex {
    const byDomain = new Map<string, CatalogEntry[]>()
    for (const entry of entries) {
      const list = byDomain.get(entry.document.domain) ?? []
      if (list.some((e) => e.document.version === entry.document.version)) {
        throw new Error(`catalog ${entry.document.domain} ${entry.document.version} given twice (${entry.file})`)
      }
      byDomain.set(entry.document.domain, [...list, entry])
    }
    for (const list of byDomain.values()) list.sort((a, b) => semver.compare(a.document.version, b.document.version))
    return new CatalogIndex(new Map([...byDomain].sort(([a], [b]) => (a < b ? -1 : 1))))
  }

  domains (): CatalogDomainSummary[] {
    return [...this.byDomain.keys()].map((domain) => {
      const latest = this.latest(domain)
      return { domain, versions: this.versions(domain), latest: latest.document.version, attributes: latest.document.attributes.length }
    })
  }

  versions (domain: string): string[] {
    return this.domainEntries(domain).map((e) => e.document.version)
  }

  latest (domain: string): CatalogEntry {
    const list = this.domainEntries(domain)
    return list[list.length - 1] as CatalogEntry
  }

  /** One version, or the highest for `latest`. */
  entry (domain: string, version: string): CatalogEntry {
    if (version === 'latest') return this.latest(domain)
    const found = this.domainEntries(domain).find((e) => e.document.version === version)
    if (!found) throw UnknownCatalogVersion({ detail: `The catalog ${domain} has no version ${version}; it has ${this.versions(domain).join(', ')}.`, extensions: { domain, version } })
    return found
  }

  /** An attribute by id; its domain is the id's first part. Defaults to the latest version. */
  attribute (id: string, version = 'latest'): AttributeLookup {
    const domain = id.split('.')[0] ?? ''
    const entry = this.byDomain.has(domain) ? this.entry(domain, version) : undefined
    const attribute = entry?.document.attributes.find((a) => a.id === id)
    if (!entry || !attribute) {
      const where = entry ? `version ${entry.document.version} of the catalog ${domain}` : `any catalog (there is no domain ${domain})`
      throw UnknownCatalogAttribute({ detail: `There is no attribute ${id} in ${where}.`, extensions: { attribute: id } })
    }
    return { domain, version: entry.document.version, attribute }
  }

  /** Whether any version of its domain has an attribute with this id. */
  has (id: string): boolean {
    const domain = id.split('.')[0] ?? ''
    return (this.byDomain.get(domain) ?? []).some((e) => e.document.attributes.some((a) => a.id === id))
  }

  /** A lookup that answers undefined instead of throwing: what mapping validation needs. */
  view (domain: string, version: string): CatalogVersionView | undefined {
    const entry = this.byDomain.get(domain)?.find((e) => e.document.version === version)
    if (!entry) return undefined
    const byId = new Map(entry.document.attributes.map((a) => [a.id, a]))
    return { attribute: (id) => byId.get(id) }
  }

  private domainEntries (domain: string): CatalogEntry[] {
    const list = this.byDomain.get(domain)
    if (!list) {
      throw UnknownCatalogDomain({ detail: `There is no catalog for the domain ${domain}; there are: ${[...this.byDomain.keys()].join(', ') || 'none'}.`, extensions: { domain } })
    }
    return list
  }
}
