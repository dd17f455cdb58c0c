import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, LIST_RESPONSE_MESSAGE, PATCH_OP_MESSAGE, USER_SCHEMA } from './scim-urns.js'

/** Examples for openapi.yaml: Exempelkommun's identity-management system pushing Anna Svensson and her group. */
const BASE = 'https://behorig.example.se/scim/v2/2129999997'

export const scimUserInputExample = {
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  externalId: 'f3a1c2d4-0b7e-4c59-9d2a-5e8f1a6b7c90',
  userName: 'anna.svensson@exempelkommun.se',
  name: { givenName: 'Anna', familyName: 'Svensson' },
  displayName: 'Anna Svensson',
  title: 'Socialsekreterare',
  active: true,
  emails: [{ value: 'anna.svensson@exempelkommun.se', type: 'work', primary: true }],
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100234', department: 'soc-eb-norr' }
}

const userId = '2f6d9a3e-8c41-4b7a-9e05-1d3c7b8a6f24'
const groupId = '7b1e4c2a-3d59-4f86-a0c7-9e2d5b6f8a13'

export const scimUserExample = {
  ...scimUserInputExample,
  id: userId,
  groups: [{ value: groupId, display: 'SOC-EB-Handlaggare', type: 'direct' }],
  meta: { resourceType: 'User', created: '2026-02-10T08:00:00.000Z', lastModified: '2026-02-10T08:00:00.000Z', location: `${BASE}/Users/${userId}`, version: 'W/"a41f09c2"' }
}

export const scimGroupInputExample = {
  schemas: [GROUP_SCHEMA],
  externalId: 'grp-soc-eb-handlaggare',
  displayName: 'SOC-EB-Handlaggare',
  members: [{ value: userId, type: 'User', display: 'Anna Svensson' }]
}

export const scimGroupExample = {
  ...scimGroupInputExample,
  id: groupId,
  meta: { resourceType: 'Group', created: '2026-02-10T08:01:00.000Z', lastModified: '2026-02-10T08:01:00.000Z', location: `${BASE}/Groups/${groupId}`, version: 'W/"5c7e2b90"' }
}

export const scimUserPatchExample = {
  schemas: [PATCH_OP_MESSAGE],
  Operations: [{ op: 'replace', path: 'title', value: 'Förste socialsekreterare' }, { op: 'replace', path: 'active', value: false }]
}

export const scimGroupPatchExample = {
  schemas: [PATCH_OP_MESSAGE],
  Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }, { op: 'remove', path: `members[value eq "${userId}"]` }]
}

export const scimListExample = (resource: object) => ({ schemas: [LIST_RESPONSE_MESSAGE], totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [resource] })
