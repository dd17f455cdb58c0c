import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import { withTenant } from '../store/tenant-scope.js'
import { attributeEvents, type AttributesRevoked } from './attribute-events.js'
import { changeStages } from './change-stages.js'
import { outboxRepository, type ChangeCause, type OutboxChange } from '../outbox/outbox-repository.js'
import { applyRepository } from '../sync/apply-repository.js'
import { explainAttribute, type AttributeExplanation } from './attribute-explanation.js'
import { compileVersion, recomputeDomain } from './attribute-recompute.js'
import type { CatalogSource } from './catalog-source.js'
import { normaliseDn } from '../directory/dn-normaliser.js'
import { MappingNotDraft, UnknownMappingVersion } from './errors.js'
import { evaluationDay } from './evaluation-day.js'
import { previewImpact, type ImpactPreview } from './impact-preview.js'
import { detectMappingFormat, parseMappingText } from './mapping-parser.js'
import type { CatalogAttributeInfo, CatalogView } from './mapping-types.js'
import { assertValidMapping, type MappingValidationContext } from './mapping-validator.js'
import { mappingVersionRepository, type MappingStatus, type MappingVersion } from './mapping-version-repository.js'
import { personFactsRepository, unitsHash } from './person-facts-repository.js'
import { buildUnitTree, type UnitRecord } from './unit-tree.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AuditActor } from '../audit/audit-event.js'
import type { Logger } from '../log/logger.js'
import { startTimer } from '../metrics/duration.js'

/** What a publish did; handed to `onPublished` inside the publishing transaction. */
export interface MappingPublished {
  organisation: string
  version: number
  domain: string
  catalog_version: string
  published_by: string | null
  /** Who published it, as the audit log records them. */
  actor: AuditActor
  /** The version this one replaced as active, if any. */
  superseded: number | null
  /** People evaluated, attributes they hold now, people whose attributes were rewritten, attributes revoked. */
  recompute: { people: number, grants: number, changed: number, revoked: number }
}

export interface MappingServiceDeps {
  db: Kysely<Database>
  catalogs: CatalogSource
  log: Pick<Logger, 'error'>
  /** The evaluation clock; tests pin it. */
  now?: () => Date
  /**
   * The audit hook: called for every publish inside its transaction, after the version is
   * active and every attribute recomputed, so an audit record written through `trx`
   * commits with the publish or not at all; throwing undoes the publish. By default it
   * appends `mapping.published` to the organisation's audit chain; tests replace it.
   */
  onPublished?: (event: MappingPublished, trx: Transaction<Database>) => Promise<void>
  /** Told how long each committed recompute transaction took, and why it ran (the metrics). */
  observeRecompute?: (cause: ChangeCause['kind'], seconds: number) => void
}

/**
 * Mapping versions (draft → active → superseded) and the effective attributes the active
 * versions grant: submitted, previewed, published with a full recompute in one
 * transaction, and kept current after every sync run for the people it changed.
 */
export function mappingService (deps: MappingServiceDeps) {
  const { db, catalogs } = deps
  const events = attributeEvents()
  const today = (): string => evaluationDay(deps.now?.() ?? new Date())
  const onPublished = deps.onPublished ?? recordPublished
  const changes = changeStages({ db, events, log: deps.log })

  async function get (organisation: string, version: number): Promise<MappingVersion> {
    const found = await withTenant(db, organisation, (trx) => mappingVersionRepository(trx).find(organisation, version))
    if (!found) throw UnknownMappingVersion({ detail: `The organisation has no mapping version ${version}`, extensions: { version } })
    return found
  }

  /**
   * A recompute whose people are chosen inside its transaction: `plan` names the
   * organisation, the people and the cause for the evaluation day (undefined: nothing to
   * do, and nothing is recomputed), and `done` sees the totals before the commit, so what it
   * writes commits with the attributes or not at all. What the people lost is committed
   * with them to the change outbox and revoked after the commit.
   */
  async function planned (steps: RecomputePlan): Promise<MappingPublished['recompute'] | undefined> {
    const day = today()
    const elapsed = startTimer()
    const committed = await db.transaction().execute(async (trx) => {
      const target = await steps.plan(trx, day)
      if (target === undefined) return undefined
      const result = await recomputeOrganisation(trx, catalogs, { ...target, day })
      const totals = { ...result.totals, revoked: result.out.reduce((n, r) => n + r.revoked.length, 0) }
      await steps.done?.(trx, totals)
      return { totals, cause: target.cause.kind, change: await changes.owe(trx, target, result.out) }
    })
    if (!committed) return undefined
    deps.observeRecompute?.(committed.cause, elapsed())
    if (committed.change !== undefined) await changes.revoke(committed.change)
    return committed.totals
  }

  /**
   * Recomputes a change of the outbox still at its recompute stage (the given one, or the
   * oldest due), then revokes what it took away. Undefined when there was none free to
   * take; throws when the recompute failed, after recording the failure for a retry.
   */
  async function recomputeChange (id?: string): Promise<OutboxChange | undefined> {
    let locked: OutboxChange | undefined
    try {
      await planned({
        plan: async (trx) => {
          locked = await outboxRepository(trx).lockForRecompute(id)
          if (!locked) return undefined
          const people = locked.people ?? (locked.cause.kind === 'sync' ? await applyRepository(trx).changedPeople(locked.cause.run_id) : 'all')
          return { organisation: locked.organisation, people, cause: locked.cause, change: locked.id }
        }
      })
    } catch (err) {
      if (locked) await changes.failed(locked, err)
      throw err
    }
    return locked
  }

  return {
    events,

    /** Parses, validates and stores a draft under the next version number. */
    async submit (organisation: string, text: string, contentType: string | undefined, createdBy: string | null): Promise<MappingVersion> {
      const doc = parseMappingText(text, contentType)
      const context = await withTenant(db, organisation, (trx) => validationContext(trx, catalogs, organisation, doc))
      const { mapping, warnings } = assertValidMapping(doc, context)
      return withTenant(db, organisation, async (trx) => {
        const versions = mappingVersionRepository(trx)
        await versions.lockOrganisation(organisation)
        return versions.insertDraft({ organisation, document: mapping, source_text: text, source_format: detectMappingFormat(text, contentType), warnings, created_by: createdBy })
      })
    },

    list: (organisation: string, options: { before?: number, limit: number, status?: MappingStatus }) =>
      withTenant(db, organisation, (trx) => mappingVersionRepository(trx).list(organisation, options)),

    get,

    /** Who would gain and lose what if `version` were published today (any version may be previewed). */
    async preview (organisation: string, version: number, listLimit: number): Promise<ImpactPreview> {
      const found = await get(organisation, version)
      return db.transaction().setIsolationLevel('repeatable read').execute((trx) => previewImpact(trx, catalogs, found, today(), listLimit))
    },

    /** Makes a draft active and recomputes every person's attributes of its domain, in one transaction. */
    async publish (organisation: string, version: number, publishedBy: string | null, actor: AuditActor = { kind: 'system', component: 'behorig' }): Promise<{ version: MappingVersion, published: MappingPublished }> {
      const request = { organisation, version, publishedBy, actor, day: today() }
      const elapsed = startTimer()
      const outcome = await db.transaction().execute(async (trx) => {
        const published = await publishVersion(trx, catalogs, request, onPublished)
        return { ...published, change: await changes.owe(trx, { organisation, cause: published.revoked.cause }, [published.revoked]) }
      })
      deps.observeRecompute?.('publish', elapsed())
      if (outcome.change !== undefined) await changes.revoke(outcome.change)
      return { version: outcome.active, published: outcome.published }
    },

    /**
     * Recomputes the given people (all when 'all') under every active version, in one
     * transaction, then emits what they lost. Idempotent: it reads the facts as they are now.
     */
    async recompute (organisation: string, people: readonly string[] | 'all', cause: AttributesRevoked['cause'] = { kind: 'recompute' }): Promise<MappingPublished['recompute']> {
      return await planned({ plan: async () => ({ organisation, people, cause }) }) as MappingPublished['recompute']
    },

    recomputePlanned: planned,
    recomputeChange,
    /** Revokes what an outbox change at its revoke stage took away (the given one, or the oldest due); see ChangeStages.revoke. */
    revokeChange: (id?: string) => changes.revoke(id),
    /**
     * What an assignment of `attributeId` must respect: the attribute as the catalog version
     * of the organisation's active mapping for its domain describes it; `no-mapping` when the
     * organisation has published none for that domain (nothing would recompute it).
     */
    async assignable (organisation: string, attributeId: string): Promise<CatalogAttributeInfo | 'no-mapping' | undefined> {
      const domain = attributeId.split('.')[0] ?? ''
      return withTenant(db, organisation, async (trx) => {
        const active = (await mappingVersionRepository(trx).active(organisation, domain))[0]
        if (!active) return 'no-mapping'
        return (await catalogs.view(trx, domain, active.catalog_version))?.attribute(attributeId)
      })
    },

    explain: (organisation: string, personId: string, attributeId: string): Promise<AttributeExplanation> =>
      withTenant(db, organisation, (trx) => explainAttribute(trx, catalogs, organisation, personId, attributeId, today()))
  }
}

export type MappingService = ReturnType<typeof mappingService>

/** What one recompute covers; `change`: the outbox change it works off, if any. */
export interface RecomputeTarget { organisation: string, people: readonly string[] | 'all', cause: ChangeCause, change?: string }

/** See `recomputePlanned`: both steps run in the recompute's transaction. */
export interface RecomputePlan {
  plan (trx: Transaction<Database>, day: string): Promise<RecomputeTarget | undefined>
  done? (trx: Transaction<Database>, totals: MappingPublished['recompute']): Promise<void>
}

// The transactions' work is done by the functions below, which are handed the transaction
// and nothing else of the store: a root-handle query inside it cannot be written here.

/** What a draft is checked against: its catalog version, and the organisation's units and groups. */
async function validationContext (trx: Transaction<Database>, catalogs: CatalogSource, organisation: string, doc: unknown): Promise<MappingValidationContext> {
  const named = doc !== null && typeof doc === 'object' ? doc as Record<string, unknown> : {}
  const view = typeof named['domain'] === 'string' && typeof named['catalog_version'] === 'string'
    ? await catalogs.view(trx, named['domain'], named['catalog_version'])
    : undefined
  const facts = personFactsRepository(trx)
  const units = new Set((await facts.units(organisation)).map((u) => u.id))
  const groups = new Set((await facts.groupDns(organisation)).map(normaliseDn))
  return {
    catalog: (): CatalogView | undefined => view,
    ...(units.size > 0 ? { unitExists: (id: string) => units.has(id) } : {}),
    ...(groups.size > 0 ? { groupExists: (dn: string) => groups.has(normaliseDn(dn)) } : {})
  }
}

interface PublishRequest { organisation: string, version: number, publishedBy: string | null, actor: AuditActor, day: string }

/** Activates a draft and recomputes everyone under it; `onPublished` is called last, in the same transaction. */
async function publishVersion (trx: Transaction<Database>, catalogs: CatalogSource, request: PublishRequest, onPublished: NonNullable<MappingServiceDeps['onPublished']>): Promise<{ published: MappingPublished, revoked: AttributesRevoked, active: MappingVersion }> {
  const { organisation, version, publishedBy, actor, day } = request
  const versions = mappingVersionRepository(trx)
  await versions.lockOrganisation(organisation)
  const found = await versions.find(organisation, version, { forUpdate: true })
  if (!found) throw UnknownMappingVersion({ detail: `The organisation has no mapping version ${version}`, extensions: { version } })
  if (found.status !== 'draft') throw MappingNotDraft({ detail: `Version ${version} is ${found.status}; published versions are immutable, submit a new version instead`, extensions: { mapping_status: found.status } })
  const superseded = await versions.activate(organisation, found, publishedBy)
  const units = await personFactsRepository(trx).units(organisation)
  await recomputeTargets(trx, organisation, 'all', day, units)
  const result = await recomputeDomain(trx, await compileVersion(trx, catalogs, found, buildUnitTree(units)), 'all', day)
  const published: MappingPublished = {
    organisation,
    version,
    domain: found.domain,
    catalog_version: found.catalog_version,
    published_by: publishedBy,
    actor,
    superseded,
    recompute: { people: result.people, grants: result.grants, changed: result.written, revoked: result.revoked.length }
  }
  await onPublished(published, trx)
  const revoked: AttributesRevoked = { organisation, domain: found.domain, mapping_version: version, cause: { kind: 'publish', version }, revoked: result.revoked }
  return { published, revoked, active: await versions.find(organisation, version) as MappingVersion }
}

interface RecomputeRequest { organisation: string, people: readonly string[] | 'all', cause: AttributesRevoked['cause'], day: string }

/** Recomputes the people (and those the calendar or the unit tree changed) under every active version. */
async function recomputeOrganisation (trx: Transaction<Database>, catalogs: CatalogSource, request: RecomputeRequest): Promise<{ out: AttributesRevoked[], totals: { people: number, grants: number, changed: number } }> {
  const { organisation, people, cause, day } = request
  const versions = mappingVersionRepository(trx)
  await versions.lockOrganisation(organisation)
  const out: AttributesRevoked[] = []
  const totals = { people: 0, grants: 0, changed: 0 }
  const actives = await versions.active(organisation)
  if (actives.length === 0) return { out, totals }
  const units = await personFactsRepository(trx).units(organisation)
  const targets = await recomputeTargets(trx, organisation, people, day, units)
  const tree = buildUnitTree(units)
  for (const active of actives) {
    const result = await recomputeDomain(trx, await compileVersion(trx, catalogs, active, tree), targets, day)
    totals.people = Math.max(totals.people, result.people)
    totals.grants += result.grants
    totals.changed += result.written
    out.push({ organisation, domain: active.domain, mapping_version: active.version, cause, revoked: result.revoked })
  }
  return { out, totals }
}

/** The default `onPublished`: the publish, in the organisation's audit chain. */
async function recordPublished (event: MappingPublished, trx: Transaction<Database>): Promise<void> {
  const { organisation, actor, version, domain, catalog_version: catalogVersion, superseded, recompute } = event
  await appendAudit(trx, [{ organisation, action: 'mapping.published', actor, details: { version, domain, catalog_version: catalogVersion, superseded, recompute } }])
}

/**
 * What a recompute of `people` must cover: on the first recompute of a new day, also
 * everyone whose employment started or ended since the last one (so attributes follow
 * the calendar with every sync run, not only when a source reports a change); after the
 * unit tree changed (a unit moved, so `unit_within` and `unit_kinds` may read
 * differently for everyone below it), everyone. Records the new day and tree.
 */
async function recomputeTargets (trx: Transaction<Database>, organisation: string, people: readonly string[] | 'all', day: string, units: readonly UnitRecord[]): Promise<readonly string[] | 'all'> {
  const facts = personFactsRepository(trx)
  const last = await facts.lastEvaluation(organisation)
  const now = { day, units_hash: unitsHash(units) }
  if (last?.day === now.day && last.units_hash === now.units_hash) return people
  await facts.recordEvaluation(organisation, now)
  if (people === 'all' || last === undefined || last.units_hash !== now.units_hash) return 'all'
  return [...people, ...await facts.activityChanged(organisation, last.day < day ? last.day : day, day)]
}
