import type { Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import { assignmentGrantRepository } from './assignment-grant-repository.js'
import { withAssignments, type AssignedGrant } from './assignment-grants.js'
import type { CatalogSource } from './catalog-source.js'
import { compileVersion, withRetirements } from './attribute-recompute.js'
import { explainGrant, type Explanation } from './mapping-explain.js'
import type { EmploymentFact, GrantProvenance, GroupFact } from './mapping-types.js'
import { mappingVersionRepository } from './mapping-version-repository.js'
import { personFactsRepository } from './person-facts-repository.js'

export interface AttributeExplanation extends Explanation<GrantProvenance> {
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
  const { compiled, units, catalog } = await compileVersion(trx, catalogs, active)
  const assigned = await assignmentGrantRepository(trx).live(organisation, [personId], day, { attribute_id: attributeId })
  const explanation = withRetirementText(withAssignmentText(explainGrant({ attribute_id: attributeId, facts: person, mapping: compiled, units, day }), assigned, day), catalog.attribute(attributeId)?.retires_on, day)
  const rules = explanation.data.flatMap((p) => 'rule_id' in p ? [p] : [])
  const employmentIds = new Set(rules.flatMap((p) => p.employment_ids))
  const groupDns = new Set(rules.flatMap((p) => p.group_dns))
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

/** The catalog version retires the attribute: from that day on no one holds it, and until then grants end the day before. */
function withRetirementText (explanation: Explanation<GrantProvenance>, retiresOn: string | undefined, day: string): Explanation<GrantProvenance> {
  if (retiresOn === undefined) return explanation
  const grants = withRetirements(explanation.grants, { attribute: () => ({ status: 'deprecated', scope: 'organisation', retires_on: retiresOn }) }, day)
  if (retiresOn <= day) {
    const { nearest: _nearest, ...rest } = explanation
    return { ...rest, holds: false, grants: [], data: [], text: `Not granted: the catalog version the mapping uses retired the attribute on ${retiresOn}.` }
  }
  return { ...explanation, grants, text: `${explanation.text} The catalog retires the attribute on ${retiresOn}: it is held until the day before.` }
}

/** The rules' explanation with the person's live assignments of the attribute merged in, as the recompute merges them. */
function withAssignmentText (explanation: Explanation, assigned: readonly AssignedGrant[], day: string): Explanation<GrantProvenance> {
  if (assigned.length === 0) return explanation
  const grants = withAssignments(explanation.grants, assigned)
  const holdsByAssignment = assigned.some((a) => a.valid_from <= day)
  const sentences = assigned.map((a) => `Assignment ${a.id} grants it${a.unit_id ? ` for unit ${a.unit_id}` : ''} from ${a.valid_from} until ${a.valid_until} (${a.reason}).`)
  const text = explanation.holds || !holdsByAssignment ? `${explanation.text} ${sentences.join(' ')}` : sentences.join(' ')
  const { nearest: _nearest, ...rest } = explanation
  return { ...(explanation.holds || !holdsByAssignment ? explanation : rest), holds: explanation.holds || holdsByAssignment, text, grants, data: grants.flatMap((g) => g.provenance) }
}
