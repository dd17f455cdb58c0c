import { sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { ScimResourceType } from './scim-attributes.js'
import { uniqueness } from './scim-errors.js'
import type { StoreCondition } from './filter/store-query.js'
import type { ScimResource } from './scim-resource-input.js'
import { ENTERPRISE_USER_SCHEMA } from './scim-urns.js'
import { jsonColumn } from '../store/json-column.js'

type Db = Kysely<Database> | Transaction<Database>

/** The organisation and its scim source: every SCIM row belongs to both. */
export interface ScimScope { organisation: string, source: string }

export interface StoredResource {
  resourceType: ScimResourceType
  id: string
  /** Normalised DN of the account or group the resource is in the directory tables. */
  dn: string
  /** The kept resource (schemas and attributes), without id and meta. */
  resource: ScimResource
  version: number
  created: Date
  updated: Date
}

export interface ScimSourceRow { id: string, config: { accept_groups?: boolean } }

const COLUMNS = { id: 'id', externalId: 'external_id', userName: 'user_name', displayName: 'display_name', employeeNumber: 'employee_number' } as const
const ORDER_OPS = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' } as const

export function scimRepository (db: Db) {
  const scoped = ({ organisation, source }: ScimScope) => db.selectFrom('scim_resources').selectAll()
    .where('organisation', '=', organisation).where('source', '=', source)

  return {
    /** The organisation's scim source (at most one: migration 0006). */
    async scimSource (organisation: string): Promise<ScimSourceRow | undefined> {
      const row = await db.selectFrom('sources').select(['id', 'config']).where('organisation', '=', organisation).where('kind', '=', 'scim').executeTakeFirst()
      return row && { id: row.id, config: (row.config ?? {}) as ScimSourceRow['config'] }
    },

    async find (scope: ScimScope, resourceType: ScimResourceType, id: string): Promise<StoredResource | undefined> {
      const row = await scoped(scope).where('resource_type', '=', resourceType).where('id', '=', id).executeTakeFirst()
      return row && toStored(row)
    },

    /**
     * Resources of either type by id (member references). members.value compares
     * case-insensitively; ids are lower-case UUIDs, so lower-casing the references is enough
     * and the primary key answers.
     */
    async findByIds (scope: ScimScope, ids: string[]): Promise<StoredResource[]> {
      if (ids.length === 0) return []
      const rows = await scoped(scope).where(sql<SqlBool>`id = any(${[...new Set(ids.map((id) => id.toLowerCase()))]}::text[])`).execute()
      return rows.map(toStored)
    },

    /** Groups that list `id` as a direct member, locked for the write that changes them. */
    async groupsWithMember (scope: ScimScope, id: string): Promise<StoredResource[]> {
      const rows = await scoped(scope).where('resource_type', '=', 'Group')
        .where(sql<SqlBool>`member_ids @> array[${id.toLowerCase()}]::text[]`).orderBy('id').forUpdate().execute()
      return rows.map(toStored)
    },

    async userNameTaken (scope: ScimScope, userName: string, exceptId?: string): Promise<boolean> {
      let query = scoped(scope).where('resource_type', '=', 'User').where(sql<SqlBool>`lower(user_name) = lower(${userName})`)
      if (exceptId) query = query.where('id', '<>', exceptId)
      return (await query.executeTakeFirst()) !== undefined
    },

    async dnTaken (scope: ScimScope, dn: string, exceptId?: string): Promise<boolean> {
      let query = scoped(scope).where('dn', '=', dn)
      if (exceptId) query = query.where('id', '<>', exceptId)
      return (await query.executeTakeFirst()) !== undefined
    },

    async insert (scope: ScimScope, stored: StoredResource): Promise<void> {
      await guardUnique(db.insertInto('scim_resources').values({ ...scope, ...toRow(stored), created_at: stored.created, updated_at: stored.updated }).execute())
    },

    async update (scope: ScimScope, stored: StoredResource): Promise<void> {
      await guardUnique(db.updateTable('scim_resources').set({ ...toRow(stored), updated_at: stored.updated })
        .where('organisation', '=', scope.organisation).where('source', '=', scope.source).where('id', '=', stored.id).execute())
    },

    async remove (scope: ScimScope, id: string): Promise<void> {
      await db.deleteFrom('scim_resources').where('organisation', '=', scope.organisation).where('source', '=', scope.source).where('id', '=', id).execute()
    },

    async count (scope: ScimScope, resourceType: ScimResourceType, conditions: StoreCondition[]): Promise<number> {
      const row = await db.selectFrom('scim_resources').select(sql<number>`count(*)::int`.as('n'))
        .where('organisation', '=', scope.organisation).where('source', '=', scope.source).where('resource_type', '=', resourceType)
        .where(matching(conditions)).executeTakeFirstOrThrow()
      return row.n
    },

    /**
     * Matching resources in a stable order (creation, then id): a page by offset, or with
     * `after` the next batch of a keyset walk.
     */
    async page (scope: ScimScope, resourceType: ScimResourceType, conditions: StoreCondition[], window: { offset?: number, limit: number, after?: StoredResource }): Promise<StoredResource[]> {
      let query = scoped(scope).where('resource_type', '=', resourceType).where(matching(conditions))
      if (window.after) query = query.where(sql<SqlBool>`(created_at, id) > (${window.after.created}, ${window.after.id})`)
      const rows = await query.orderBy('created_at').orderBy('id').offset(window.offset ?? 0).limit(window.limit).execute()
      return rows.map(toStored)
    }
  }
}

export type ScimRepository = ReturnType<typeof scimRepository>

function matching (conditions: StoreCondition[]): Expression<SqlBool> {
  return conditions.length === 0 ? sql<SqlBool>`true` : sql<SqlBool>`${sql.join(conditions.map(toSql), sql` and `)}`
}

/** A filter condition from `filterToStoreQuery` as SQL; values are always bound parameters. */
function toSql (condition: StoreCondition): Expression<SqlBool> {
  const { field, value } = condition
  switch (field) {
    case 'email': return sql<SqlBool>`emails @> array[lower(${value})]::text[]`
    case 'member': return sql<SqlBool>`member_ids @> array[lower(${value})]::text[]`
    case 'lastModified': return sql<SqlBool>`updated_at ${sql.raw(ORDER_OPS[condition.op])} ${value}::timestamptz`
    default: {
      const column = sql.ref(COLUMNS[field])
      return condition.caseExact ? sql<SqlBool>`${column} = ${value}` : sql<SqlBool>`lower(${column}) = lower(${value})`
    }
  }
}

function toRow (stored: StoredResource) {
  const r = stored.resource
  const enterprise = (r[ENTERPRISE_USER_SCHEMA] ?? {}) as Record<string, unknown>
  const values = (list: unknown): string[] => Array.isArray(list)
    ? [...new Set(list.map((item) => (item as Record<string, unknown>)['value']).filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase()))]
    : []
  return {
    resource_type: stored.resourceType,
    id: stored.id,
    external_id: text(r['externalId']),
    user_name: stored.resourceType === 'User' ? text(r['userName']) : null,
    display_name: text(r['displayName']),
    employee_number: text(enterprise['employeeNumber']),
    emails: values(r['emails']),
    member_ids: values(r['members']),
    dn: stored.dn,
    resource: JSON.stringify(r),
    version: stored.version
  }
}

function text (value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

interface ScimRow { resource_type: string, id: string, dn: string, resource: unknown, version: number, created_at: Date | string, updated_at: Date | string }

function toStored (row: ScimRow): StoredResource {
  return {
    resourceType: row.resource_type as ScimResourceType,
    id: row.id,
    dn: row.dn,
    resource: jsonColumn<ScimResource>(row.resource),
    version: row.version,
    created: new Date(row.created_at),
    updated: new Date(row.updated_at)
  }
}

/** A race the service's checks lost (two writers, one userName) is the same 409 they give. */
async function guardUnique<T> (write: Promise<T>): Promise<T> {
  try {
    return await write
  } catch (err) {
    const e = err as { code?: unknown, constraint?: unknown, message?: unknown }
    if (e.code !== '23505') throw err
    const what = `${String(e.constraint ?? '')} ${String(e.message ?? '')}`.includes('user_name') ? 'userName' : 'displayName'
    throw uniqueness(`Another resource of this source has the same ${what}`)
  }
}
