import type { Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { CatalogSource } from './catalog-source.js'
import { compileVersion } from './attribute-recompute.js'
import { explainGrant, type Explanation } from './mapping-explain.js'
import type { EmploymentFact, GroupFact } from './mapping-types.js'
import { mappingVersionRepository } from './mapping-version-repository.js'
import { personFactsRepository } from './person-facts-repository.js'

export interface AttributeExplanation extends Explanation {
  person_id: string
  day: string
  /** The active mapping version of the attribute's domain; null when none is published. */
  mapping_version: number | null
  /** The source records the provenance cites, in full. */
  records: { employments: EmploymentFact[], groups: GroupFact[] }
}

/** "Why does this person (not) hold this attribute today?", from the domain's active mapping and the person's current facts. */
export async function explainAttribute (trx: Transaction<Database>, catalogs: CatalogSource, organisation: string, personId: string, attributeId: string, day: string): Promise<AttributeExplanation> {
  const domain = attributeId.split('.')[0] ?? ''
  const [facts] = await personFactsRepository(trx).facts(organisation, [personId])
  const person = facts ?? { person_id: personId, employments: [], groups: [] }
  const active = (await mappingVersionRepository(trx).active(organisation, domain))[0]
  if (!active) {
    return {
      person_id: personId,
      attribute_id: attributeId,
      day,
      mapping_version: null,
      holds: false,
      grants: [],
      data: [],
      text: `Not granted: the organisation has published no mapping for the domain ${domain}.`,
      records: { employments: [], groups: [] }
    }
  }
  const { compiled, units } = await compileVersion(trx, catalogs, active)
  const explanation = explainGrant({ attribute_id: attributeId, facts: person, mapping: compiled, units, day })
  const employmentIds = new Set(explanation.data.flatMap((p) => p.employment_ids))
  const groupDns = new Set(explanation.data.flatMap((p) => p.group_dns))
  return {
    ...explanation,
    person_id: personId,
    day,
    mapping_version: active.version,
    records: {
      employments: person.employments.filter((e) => employmentIds.has(e.employment_id)),
      groups: person.groups.filter((g) => groupDns.has(g.dn))
    }
  }
}
