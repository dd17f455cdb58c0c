import { FilterParser } from 'ldapts'
import { SourceConfigInvalid } from '../sources/errors.js'
import { sourceValidator } from '../sources/source-schemas.js'
import { isOneFilter } from './ldap-filter.js'

/**
 * An ldap source's `config` as schemas/source-ldap.schema.json describes it, with the
 * schema's defaults filled in and `bind_password` opened. The schema is the one source of
 * the defaults and their documentation; this type only mirrors it.
 */
export interface LdapSourceConfig {
  url: string
  start_tls: boolean
  ca_pem?: string
  tls_verify: boolean
  bind_dn?: string
  bind_password?: string
  user_base_dn: string
  user_filter: string
  group_base_dn?: string
  group_filter: string
  attributes: LdapAttributeNames
  disabled_attribute?: { values: string[] } | { bitmask: number }
  page_size: number
  full_every: number
  clock_skew_seconds: number
  timeout_seconds: number
  correlation: { match_on: Array<'employee_number' | 'email' | 'hsa_id'> }
}

export interface LdapAttributeNames {
  employee_number: string
  email: string
  unique_id: string
  display_name: string
  given_name: string
  family_name: string
  hsa_id?: string
  username?: string
  disabled?: string
}

/**
 * Which change marker incremental runs use. Active Directory: `uSNChanged` (modifyTimestamp
 * there is whenChanged, which is not replicated consistently). Everything else:
 * `modifyTimestamp`. The schema has no setting for it, so it is told from the attribute
 * names only AD has (objectGUID, userAccountControl).
 */
export type DirectoryFlavour = 'ldap' | 'active-directory'

export function directoryFlavour (config: Pick<LdapSourceConfig, 'attributes'>): DirectoryFlavour {
  const names = [config.attributes.unique_id, config.attributes.disabled ?? ''].map((n) => n.toLowerCase())
  return names.includes('objectguid') || names.includes('useraccountcontrol') ? 'active-directory' : 'ldap'
}

/**
 * Checks an ldap source config against its schema and returns a copy with the defaults
 * filled in. Throws `source-config-invalid` (pointers under `/config`) when the document
 * breaks the schema, when a filter is not one well-formed RFC 4515 filter (the readers
 * combine filters with `&`, and `(a=b)(c=d)` would silently change meaning there), or when
 * `tls_verify` is false: certificates are always checked; trust an internal CA with ca_pem.
 */
export function parseLdapSourceConfig (document: unknown): LdapSourceConfig {
  const copy = structuredClone(document)
  const validate = sourceValidator('source-ldap.schema.json')
  if (!validate(copy)) {
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if')
      .map((e) => ({ pointer: `/config${e.instancePath}`, detail: e.message ?? 'is not valid' }))
    throw SourceConfigInvalid({ detail: errors.map((e) => `${e.pointer} ${e.detail}`).join('; '), errors })
  }
  const config = copy as LdapSourceConfig
  const errors = []
  for (const name of ['user_filter', 'group_filter'] as const) {
    const problem = filterProblem(config[name])
    if (problem) errors.push({ pointer: `/config/${name}`, detail: problem })
  }
  if (!config.tls_verify) errors.push({ pointer: '/config/tls_verify', detail: 'cannot be false: certificates are always verified; give the internal CA in ca_pem instead' })
  if (errors.length > 0) throw SourceConfigInvalid({ detail: errors.map((e) => `${e.pointer} ${e.detail}`).join('; '), errors })
  return config
}

function filterProblem (filter: string): string | undefined {
  if (!isOneFilter(filter)) return 'must be one LDAP filter with balanced parentheses, e.g. (&(objectClass=user)(!(cn=test*)))'
  try {
    FilterParser.parseString(filter)
    return undefined
  } catch (error) {
    return `is not one well-formed LDAP filter: ${error instanceof Error ? error.message : String(error)}`
  }
}
