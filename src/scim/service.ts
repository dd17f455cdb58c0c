import { randomUUID } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import { withTenant } from '../store/tenant-scope.js'
import type { PushChange } from '../sync/push-change.js'
import { groupsNotAccepted, noScimSource } from './errors.js'
import { scimRepository, type ScimRepository, type ScimScope, type ScimSourceRow, type StoredResource } from './repository.js'
import type { ScimResourceType } from './scim-attributes.js'
import { canonicaliseResource } from './scim-canonical.js'
import { accountRecord, groupDn, userDn } from './scim-directory-records.js'
import { notFound, uniqueness } from './scim-errors.js'
import { checkPreconditions, contentEtag, type PreconditionHeaders } from './scim-etag.js'
import { matchesFilter, prepareFilter, type ScimFilter } from './filter/index.js'
import { filterToStoreQuery, type StoreCondition } from './filter/store-query.js'
import { groupRecordOf, withoutMember } from './scim-group-members.js'
import { listResponse, parseListWindow, type ListResponse, type ListWindow } from './scim-list.js'
import { applyPatch } from './scim-patch.js'
import { checkProjection, projectResource, type ProjectionQuery } from './scim-projection.js'
import { etagOf, representation } from './scim-representation.js'
import { checkResource, keptResource, type ScimResource } from './scim-resource-input.js'
import type { AuditActor } from '../audit/audit-event.js'

/** What the SCIM server needs of the sync engine: one push, one transaction, one run. */
export interface PushEngine {
  push<T> (organisation: string, source: string, write: (trx: Transaction<Database>) => Promise<PushChange<T>>, actor: AuditActor): Promise<{ result: T }>
}

export interface ScimServiceDeps { db: Kysely<Database>, engine: PushEngine, issuer: string }

/** A resource as answered: its representation and its ETag. */
export interface ScimAnswer { body: Record<string, unknown>, etag: string }

export interface ListQuery extends ProjectionQuery { filter?: string | undefined, startIndex?: number | undefined, count?: number | undefined }

// Candidates read per round trip when the store can only narrow a filter.
const FILTER_BATCH = 500

/**
 * The SCIM server's rules. Reads run in the organisation's tenant scope and create no run;
 * every write is one push of the organisation's scim source: the resource is stored and the
 * account or groups it means are applied in the same transaction, as one sync run.
 */
export function scimService (deps: ScimServiceDeps) {
  const baseUrl = (organisation: string): string => `${deps.issuer}/scim/v2/${organisation}`
  const answer = (organisation: string, stored: StoredResource): ScimAnswer => ({ body: representation(stored, baseUrl(organisation)), etag: etagOf(stored) })

  async function sourceOf (repo: ScimRepository, organisation: string): Promise<ScimSourceRow> {
    const source = await repo.scimSource(organisation)
    if (!source) throw noScimSource(organisation)
    return source
  }

  async function read<T> (organisation: string, fn: (repo: ScimRepository, scope: ScimScope) => Promise<T>): Promise<T> {
    return withTenant(deps.db, organisation, async (trx) => {
      const repo = scimRepository(trx)
      const source = await sourceOf(repo, organisation)
      return fn(repo, { organisation, source: source.id })
    })
  }

  /** One push, recorded as a sync run started by `actor` (the pushing API key). */
  async function write<T> (organisation: string, resourceType: ScimResourceType, actor: AuditActor, fn: (repo: ScimRepository, scope: ScimScope) => Promise<PushChange<T>>): Promise<T> {
    const source = await sourceOf(scimRepository(deps.db), organisation)
    if (resourceType === 'Group' && source.config.accept_groups === false) throw groupsNotAccepted(source.id)
    const { result } = await deps.engine.push(organisation, source.id, (trx) => fn(scimRepository(trx), { organisation, source: source.id }), actor)
    return result
  }

  async function existing (repo: ScimRepository, scope: ScimScope, resourceType: ScimResourceType, id: string): Promise<StoredResource> {
    const stored = await repo.find(scope, resourceType, id)
    if (!stored) throw notFound(`No ${resourceType} with id "${id}"`)
    return stored
  }

  return {
    /** The SCIM base URL of an organisation, as `meta.location` and the discovery documents use it. */
    baseUrl,

    async list (organisation: string, resourceType: ScimResourceType, query: ListQuery): Promise<ListResponse<Record<string, unknown>>> {
      const window = parseListWindow(query)
      const filter = query.filter === undefined ? undefined : prepareFilter(query.filter, resourceType)
      checkProjection(query, resourceType)
      const list = await read(organisation, async (repo, scope) => {
        const show = (stored: StoredResource) => representation(stored, baseUrl(organisation))
        const store = filter ? filterToStoreQuery(filter, resourceType) : { conditions: [], exact: true }
        if (store.exact) {
          const total = await repo.count(scope, resourceType, store.conditions)
          const page = window.count === 0 ? [] : await repo.page(scope, resourceType, store.conditions, { offset: window.offset, limit: window.count })
          return listResponse(page.map(show), total, window)
        }
        return filteredWindow(repo, scope, resourceType, { conditions: store.conditions, filter: filter as ScimFilter, show }, window)
      })
      // Filters see the whole resource; the projection only shapes what is answered.
      return { ...list, Resources: list.Resources.map((resource) => projectResource(resource, resourceType, query)) }
    },

    async get (organisation: string, resourceType: ScimResourceType, id: string, projection: ProjectionQuery = {}): Promise<ScimAnswer> {
      checkProjection(projection, resourceType)
      const found = await read(organisation, async (repo, scope) => answer(organisation, await existing(repo, scope, resourceType, id)))
      return { ...found, body: projectResource(found.body, resourceType, projection) }
    },

    async create (organisation: string, resourceType: ScimResourceType, body: ScimResource, actor: AuditActor): Promise<ScimAnswer> {
      const stored = await write(organisation, resourceType, actor, async (repo, scope) => {
        const resource = keptResource(resourceType, body)
        const id = randomUUID()
        const now = new Date()
        const created: StoredResource = { resourceType, id, dn: dnOf(scope, resourceType, id, resource), resource, version: 1, created: now, updated: now }
        await checkUnique(repo, scope, created)
        const change = await directoryChange(repo, scope, created)
        await repo.insert(scope, created)
        return { result: created, ...change }
      })
      return answer(organisation, stored)
    },

    async replace (organisation: string, resourceType: ScimResourceType, id: string, body: ScimResource, preconditions: PreconditionHeaders, actor: AuditActor): Promise<ScimAnswer> {
      const stored = await write(organisation, resourceType, actor, async (repo, scope) => {
        const current = await existing(repo, scope, resourceType, id)
        checkPreconditions(etagOf(current), preconditions, 'PUT')
        return change(repo, scope, current, keptResource(resourceType, body))
      })
      return answer(organisation, stored)
    },

    async patch (organisation: string, resourceType: ScimResourceType, id: string, body: unknown, preconditions: PreconditionHeaders, actor: AuditActor): Promise<ScimAnswer> {
      const stored = await write(organisation, resourceType, actor, async (repo, scope) => {
        const current = await existing(repo, scope, resourceType, id)
        checkPreconditions(etagOf(current), preconditions, 'PATCH')
        const { id: _id, meta: _meta, ...patched } = applyPatch(representation(current, baseUrl(organisation)), body, resourceType)
        const next = keptResource(resourceType, canonicaliseResource(resourceType, patched) as ScimResource)
        checkResource(resourceType, next)
        return change(repo, scope, current, next)
      })
      return answer(organisation, stored)
    },

    async delete (organisation: string, resourceType: ScimResourceType, id: string, preconditions: PreconditionHeaders, actor: AuditActor): Promise<void> {
      await write(organisation, resourceType, actor, async (repo, scope) => {
        const current = await existing(repo, scope, resourceType, id)
        checkPreconditions(etagOf(current), preconditions, 'DELETE')
        // The groups that held it no longer do: their member lists change, and so do their records.
        const parents = await withoutMember(repo, scope, id, new Date())
        await repo.remove(scope, id)
        const groups = await Promise.all(parents.map((parent) => groupRecordOf(repo, scope, parent, false)))
        return resourceType === 'User'
          ? { result: undefined, endAccounts: [id], groups }
          : { result: undefined, removeGroups: [current.dn], groups }
      })
    }
  }
}

export type ScimService = ReturnType<typeof scimService>

function dnOf (scope: ScimScope, resourceType: ScimResourceType, id: string, resource: ScimResource): string {
  return resourceType === 'User' ? userDn(scope.source, id) : groupDn(scope.source, String(resource['displayName']))
}

async function checkUnique (repo: ScimRepository, scope: ScimScope, stored: StoredResource): Promise<void> {
  if (stored.resourceType === 'User') {
    const userName = String(stored.resource['userName'])
    if (await repo.userNameTaken(scope, userName, stored.id)) throw uniqueness(`userName "${userName}" is taken (compared case-insensitively)`)
  } else if (await repo.dnTaken(scope, stored.dn, stored.id)) {
    throw uniqueness(`A group named "${String(stored.resource['displayName'])}" exists already; group names are unique, case-insensitively, because a group's DN is built from its name`)
  }
}

/** The account or group records a resource means to the sync engine. */
async function directoryChange (repo: ScimRepository, scope: ScimScope, stored: StoredResource): Promise<Omit<PushChange<unknown>, 'result'>> {
  if (stored.resourceType === 'User') return { accounts: [accountRecord(stored.id, stored.dn, stored.resource)] }
  return { groups: [await groupRecordOf(repo, scope, stored, true)] }
}

/**
 * PUT and PATCH: the new content, stored with the next version when it differs (a write
 * that changes nothing keeps its version and ETag, and its run counts it unchanged).
 */
async function change (repo: ScimRepository, scope: ScimScope, current: StoredResource, resource: ScimResource): Promise<PushChange<StoredResource>> {
  const same = contentEtag(resource) === contentEtag(current.resource)
  const next: StoredResource = same ? current : { ...current, resource, dn: dnOf(scope, current.resourceType, current.id, resource), version: current.version + 1, updated: new Date() }
  await checkUnique(repo, scope, next)
  const records = await directoryChange(repo, scope, next)
  if (!same) await repo.update(scope, next)
  if (next.dn === current.dn) return { result: next, ...records }
  // A renamed group has a new DN: the groups holding it are re-emitted with the new DN as
  // their member, and the group under its old DN goes.
  const parents = await repo.groupsWithMember(scope, next.id)
  const parentRecords = await Promise.all(parents.map((parent) => groupRecordOf(repo, scope, parent, false)))
  return { result: next, groups: [...(records.groups ?? []), ...parentRecords], removeGroups: [current.dn] }
}

interface FilterPass { conditions: StoreCondition[], filter: ScimFilter, show: (stored: StoredResource) => Record<string, unknown> }

/**
 * A filter the store can only narrow: the candidates are walked in batches and the filter
 * decides, so `totalResults` counts every match while memory holds one batch and one page.
 */
async function filteredWindow (repo: ScimRepository, scope: ScimScope, resourceType: ScimResourceType, pass: FilterPass, window: ListWindow): Promise<ListResponse<Record<string, unknown>>> {
  const page: Array<Record<string, unknown>> = []
  let total = 0
  let after: StoredResource | undefined
  for (;;) {
    const batch = await repo.page(scope, resourceType, pass.conditions, { limit: FILTER_BATCH, ...(after ? { after } : {}) })
    for (const stored of batch) {
      const shown = pass.show(stored)
      if (!matchesFilter(shown, pass.filter, resourceType)) continue
      if (total >= window.offset && page.length < window.count) page.push(shown)
      total++
    }
    if (batch.length < FILTER_BATCH) break
    after = batch.at(-1)
  }
  return listResponse(page, total, window)
}
