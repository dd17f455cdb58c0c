import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface OrganisationTable {
  number: string
  name: string
  kind: string
  municipality_code: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface ApiKeyTable {
  id: string
  organisation: string
  name: string | null
  scopes: string[]
  secret_hash: string
  created_at: Timestamp
  revoked_at: Date | null
  last_used_at: Date | null
}

export interface PlatformSettingTable {
  key: string
  value: unknown
  updated_at: Timestamp
}

export interface SchemaMigrationTable {
  id: string
  applied_at: Generated<Date>
}

/** Every table, as Kysely sees it. Capabilities add theirs here as their migrations land. */
export interface Database {
  organisations: OrganisationTable
  api_keys: ApiKeyTable
  platform_settings: PlatformSettingTable
  schema_migrations: SchemaMigrationTable
}
