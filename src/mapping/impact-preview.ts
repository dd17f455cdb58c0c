import type { Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { CatalogSource } from './catalog-source.js'
import { compileVersion, personPages, withRetirements } from './attribute-recompute.js'
import { PreviewAccumulator, type MappingPreview } from './mapping-diff.js'
import type { MappingVersion } from './mapping-version-repository.js'
import { mappingVersionRepository } from './mapping-version-repository.js'
import { personFactsRepository, type PersonName } from './person-facts-repository.js'

export interface ImpactPreview extends MappingPreview {
  version: number
  domain: string
  day: string
  /** The active version of the domain it is compared with; null when none is published yet. */
  compared_with: number | null
  /** Every person the gained, lost and rescoped lists name, by id: how stewards know them. */
  listed_people: Record<string, PersonName>
}

/**
 * What publishing `version` would change today: the domain's active version and the
 * candidate are both evaluated on the same facts and day, person by person (in pages), so
 * the difference is the mappings' alone. `trx` is repeatable read: every page is read from
 * one snapshot.
 */
export async function previewImpact (trx: Transaction<Database>, catalogs: CatalogSource, version: MappingVersion, day: string, listLimit: number): Promise<ImpactPreview> {
  const active = (await mappingVersionRepository(trx).active(version.organisation, version.domain))[0]
  const candidate = await compileVersion(trx, catalogs, version)
  const current = active ? await compileVersion(trx, catalogs, active, candidate.units) : undefined
  const accumulator = new PreviewAccumulator(version.document.rules.map((r) => r.id), { list_limit: listLimit })
  const facts = personFactsRepository(trx)
  for await (const page of personPages(trx, version.organisation, 'all')) {
    for (const person of await facts.facts(version.organisation, page, { contiguous: true })) {
      accumulator.add(person.person_id, current ? withRetirements(current.compiled.evaluatePerson(person, day), current.catalog, day) : [], withRetirements(candidate.compiled.evaluatePerson(person, day), candidate.catalog, day))
    }
  }
  const preview = accumulator.result()
  const listed = new Set(Object.values(preview.attributes).flatMap((change) => [...change.gained, ...change.lost, ...change.rescoped]))
  // Read in the same snapshot as the facts, so every listed id has its name.
  const names = await facts.names(version.organisation, [...listed])
  const listedPeople = Object.fromEntries([...listed].sort().flatMap((id) => { const name = names.get(id); return name ? [[id, name]] : [] }))
  return { version: version.version, domain: version.domain, day, compared_with: active?.version ?? null, ...preview, listed_people: listedPeople }
}
