/** Scopes an organisation API key can hold. Declared once; schemas and docs read this list. */
export const SCOPES = [
  'organisation:read',
  'api-keys:write',
  'sources:read',
  'sources:write',
  'people:read',
  'mappings:read',
  'mappings:write',
  'audit:read',
  'scim',
  'relying-parties:approve',
  'assignments:write'
] as const

export type Scope = typeof SCOPES[number]

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'organisation:read': 'Read the organisation and its units.',
  'api-keys:write': 'Create and revoke API keys, only those with no scope the acting key lacks.',
  'sources:read': 'Read sources, sync runs and quarantine.',
  'sources:write': 'Register sources, upload snapshots, start, approve and reject sync runs.',
  'people:read': 'Read people, employments, groups and effective attributes.',
  'mappings:read': 'Read mapping versions and previews.',
  'mappings:write': 'Submit, preview and publish mappings.',
  'audit:read': 'Read the organisation\'s audit log and disclosures.',
  scim: 'Push users and groups over SCIM 2.0.',
  'relying-parties:approve': 'Approve relying parties (agencies) to receive the organisation\'s people\'s attributes, change and withdraw approvals; withdrawing revokes their live tokens.',
  'assignments:write': 'Grant an attribute to a person for a limited time (an assignment, also to a substitute not in HR) and end assignments early; ending one revokes the live tokens that carry it.'
}
