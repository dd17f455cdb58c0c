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

export interface SourceTable {
  organisation: string
  id: string
  kind: string
  schedule: string | null
  safety: unknown
  config: unknown
  secrets: string | null
  state: ColumnType<unknown, unknown | undefined, unknown>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface SyncRunTable {
  id: string
  organisation: string
  source: string
  trigger: string
  state: string
  counts: ColumnType<unknown, unknown | undefined, unknown>
  error: unknown
  unmatched: unknown
  staged: ColumnType<boolean, boolean | undefined, boolean>
  mode: ColumnType<string, string | undefined, string>
  next_state: unknown
  attempts: ColumnType<number, number | undefined, number>
  created_at: Timestamp
  started_at: Date | null
  finished_at: Date | null
  decided_by: string | null
  decided_at: Date | null
  /** Until when the process receiving the run's upload holds it (see 0014-upload-lease.sql). */
  upload_lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
}

export interface StagedUnitTable { run_id: string, unit_id: string, name: string, parent_id: string | null, kind: string | null, hsa_id: string | null, school_unit_code: string | null }

export interface StagedEmploymentTable {
  run_id: string
  key: string
  row_number: number
  employment_id: string | null
  employee_number: string
  given_name: string | null
  family_name: string | null
  email: string | null
  pin_sealed: string | null
  pin_lookup: string | null
  service_id: string | null
  hsa_id: string | null
  unit_id: string
  position_code: string | null
  title: string | null
  employment_type: string
  start_date: string
  end_date: string | null
  extent: ColumnType<string | null, number | null, number | null>
  record_hash: string
}

export interface SyncQuarantineTable {
  run_id: string
  seq: number
  row_number: number
  record_type: string
  pointer: string
  code: string
  reason: string
  problems: unknown
  raw: unknown
}

export interface UnitTable {
  organisation: string
  id: string
  name: string
  parent_id: string | null
  kind: string | null
  hsa_id: string | null
  school_unit_code: string | null
  source: string
  last_run: string
  removed_at: Date | null
  updated_at: Timestamp
}

export interface PersonTable {
  organisation: string
  id: string
  service_id: string
  employee_number: string | null
  given_name: string | null
  family_name: string | null
  email: string | null
  pin_sealed: string | null
  pin_lookup: string | null
  hsa_id: string | null
  source: string
  last_run: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface EmploymentTable {
  organisation: string
  source: string
  key: string
  id: string
  person_id: string
  employment_id: string | null
  unit_id: string
  position_code: string | null
  title: string | null
  employment_type: string
  start_date: string
  end_date: string | null
  extent: ColumnType<string | null, number | null, number | null>
  record_hash: string
  ended_at: Date | null
  last_run: string
  updated_at: Timestamp
}

export interface SyncRunChangeTable { run_id: string, person_id: string }

export interface CatalogVersionTable { domain: string, version: string, hash: string, document: unknown, published_at: Timestamp }

/** An account's columns as a directory reports it (sources' AccountRecord) plus its record hash. */
interface AccountColumns {
  unique_id: string
  dn: string
  employee_number: string | null
  email: string | null
  display_name: string | null
  given_name: string | null
  family_name: string | null
  hsa_id: string | null
  username: string | null
  disabled: boolean
  record_hash: string
}
export interface DirectoryAccountTable extends AccountColumns {
  organisation: string
  source: string
  person_id: string | null
  ended_at: Date | null
  last_run: string
  updated_at: Timestamp
}
export interface DirectoryGroupTable { organisation: string, source: string, dn: string, cn: string | null, record_hash: string, last_run: string }
export interface DirectoryMemberTable { organisation: string, source: string, group_dn: string, member_dn: string }
export interface PersonGroupTable { organisation: string, source: string, person_id: string, group_dn: string, via: string[] }
export interface StagedAccountTable extends AccountColumns { run_id: string, row_number: number }
export interface StagedGroupTable { run_id: string, dn: string, cn: string | null, record_hash: string }
export interface StagedMemberTable { run_id: string, group_dn: string, member_dn: string }

export interface MappingVersionTable {
  organisation: string
  version: number
  domain: string
  catalog_version: string
  status: ColumnType<string, string | undefined, string>
  document: unknown
  source_text: string
  source_format: string
  warnings: ColumnType<unknown, unknown | undefined, unknown>
  created_by: string | null
  created_at: Timestamp
  published_by: string | null
  published_at: Date | null
  superseded_at: Date | null
}
export interface EffectiveAttributeTable {
  organisation: string
  person_id: string
  domain: string
  attribute_id: string
  unit_id: string | null
  valid_from: string
  valid_until: string | null
  mapping_version: number
  provenance: unknown
  computed_at: Timestamp
}
export interface AssignmentTable {
  organisation: string
  id: string
  person_id: string
  domain: string
  attribute_id: string
  unit_id: string | null
  valid_from: string
  valid_until: string
  reason: string
  reference: string | null
  granted_by: unknown
  created_at: Timestamp
  ended_at: Date | null
  ended_by: unknown
  end_reason: string | null
}
export interface AttributeEvaluationDayTable { organisation: string, day: string, units_hash: string }

export interface AttributeDayRunTable { organisation: string, day: string, run_on: string, completed_at: Generated<Date> }

/** change_outbox (migration 0024): changes whose recompute and revocations are still owed. */
export interface ChangeOutboxTable {
  id: Generated<string>
  organisation: string
  cause: ColumnType<unknown, string, string>
  people: ColumnType<unknown, string | null, string | null>
  stage: 'recompute' | 'revoke'
  revocations: ColumnType<unknown, string | undefined, string>
  attempts: Generated<number>
  last_error: string | null
  available_at: Generated<Date>
  claimed_by: string | null
  claimed_until: Date | null
  created_at: Generated<Date>
}

export interface ScimResourceTable {
  organisation: string
  source: string
  resource_type: 'User' | 'Group'
  id: string
  external_id: string | null
  user_name: string | null
  display_name: string | null
  employee_number: string | null
  emails: string[]
  member_ids: string[]
  dn: string
  resource: ColumnType<Record<string, unknown>, string, string>
  version: number
  created_at: Timestamp
  updated_at: Timestamp
}

/** Every table, as Kysely sees it. Capabilities add theirs here as their migrations land. */
export interface SigningKeyTable {
  kid: string
  alg: string
  state: string
  public_jwk: unknown
  private_key: string
  created_at: Timestamp
  activated_at: Date | null
  retired_at: Date | null
  publish_until: Date | null
  /** token (tokens, /.well-known/jwks.json) or federation (the Entity Configuration); 0021. */
  purpose: Generated<string>
}

export interface RelyingPartyTable {
  client_id: string
  document: unknown
  disabled: boolean
  /** New on registration and on every change of keys or disabling (migration 0012); access tokens carry it. */
  generation: Generated<string>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface ClientAssertionJtiTable { client_id: string, jti: string, expires_at: Date | string }

export interface StatusListTable {
  id: Generated<number>
  size: number
  allocated: ColumnType<number, number | undefined, number>
  bits: Buffer
  created_at: Timestamp
  updated_at: Timestamp
}

export interface AttributeTokenTable {
  jti: string
  organisation: string
  client_id: string
  person_id: string
  attributes: ColumnType<Array<{ id: string, unit: string | null }>, string, string>
  status_list_id: number
  status_idx: number
  issued_at: Timestamp
  expires_at: Date
  revoked_at: Date | null
  /** The purpose id the request stated (migration 0020); null when it stated none. */
  purpose: ColumnType<string | null, string | null | undefined, string | null>
}

/** An organisation's approval of a relying party (migration 0020). */
export interface RelyingPartyApprovalTable {
  organisation: string
  client_id: string
  /** "all-released" or an array of attribute ids. */
  attributes: ColumnType<unknown, string, string>
  purposes: ColumnType<unknown, string, string>
  valid_until: ColumnType<string | null, string | null, string | null>
  agreement: string
  note: string | null
  actor: ColumnType<unknown, string, string>
  created_at: Timestamp
  updated_at: ColumnType<Date, Date | undefined, Date>
}

export interface PlatformIdentityProviderTable {
  id: string
  kind: 'saml' | 'oidc'
  /** The SAML entityID or the OIDC issuer. */
  entity: string
  organisations: string[]
  document: ColumnType<unknown, string, string>
  metadata: ColumnType<unknown, string | null, string | null>
  shortcut_of: string | null
  shortcut_document: ColumnType<unknown, string | null, string | null>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface Database {
  organisations: OrganisationTable
  api_keys: ApiKeyTable
  platform_settings: PlatformSettingTable
  schema_migrations: SchemaMigrationTable
  sources: SourceTable
  sync_runs: SyncRunTable
  staged_units: StagedUnitTable
  staged_employments: StagedEmploymentTable
  sync_quarantine: SyncQuarantineTable
  units: UnitTable
  people: PersonTable
  employments: EmploymentTable
  sync_run_changes: SyncRunChangeTable
  catalog_versions: CatalogVersionTable
  directory_accounts: DirectoryAccountTable
  directory_groups: DirectoryGroupTable
  directory_members: DirectoryMemberTable
  person_groups: PersonGroupTable
  staged_accounts: StagedAccountTable
  staged_groups: StagedGroupTable
  staged_members: StagedMemberTable
  mapping_versions: MappingVersionTable
  effective_attributes: EffectiveAttributeTable
  attribute_evaluation_days: AttributeEvaluationDayTable
  attribute_day_runs: AttributeDayRunTable
  change_outbox: ChangeOutboxTable
  assignments: AssignmentTable
  scim_resources: ScimResourceTable
  signing_keys: SigningKeyTable
  relying_parties: RelyingPartyTable
  client_assertion_jtis: ClientAssertionJtiTable
  status_lists: StatusListTable
  attribute_tokens: AttributeTokenTable
  relying_party_approvals: RelyingPartyApprovalTable
  platform_identity_providers: PlatformIdentityProviderTable
  audit_chains: AuditChainTable
  audit_events: AuditEventTable
  audit_checkpoints: AuditCheckpointTable
}

export interface AuditChainTable {
  chain: string
  organisation: string | null
  seq: ColumnType<number, number | undefined, number>
  head: string
}

/** jsonb columns are written as JSON text and read back parsed. */
export interface AuditEventTable {
  chain: string
  seq: number
  at: Date
  organisation: string | null
  action: string
  actor: ColumnType<unknown, string, string>
  person_id: string | null
  client_id: string | null
  details: ColumnType<unknown, string, string>
  prev_hash: string
  hash: string
}

export interface AuditCheckpointTable {
  id: Generated<number>
  created_at: Timestamp
  chains: ColumnType<Array<{ chain: string, seq: number, hash: string }>, string, string>
  checkpoint: string
  kid: string
  public_jwk: ColumnType<unknown, string, string>
}
