/** Examples for openapi.yaml: a first mapping of Exempelkommun (excerpt of examples/mappings/exempelkommun.yaml). */
export const mappingYamlExample = `domain: socialtjanst
catalog_version: 1.0.0
description: Exempelkommun, ekonomiskt bistånd
rules:
  - id: eb-handlaggare
    description: Socialsekreterare på utredningsenheterna för ekonomiskt bistånd
    when:
      all:
        - position_codes: ["151010", "151020"]
        - unit_within: [soc-eb-norr, soc-eb-syd]
        - employment_types: [tillsvidare, visstid, vikariat]
    grant: [socialtjanst.eb.handlaggare]
`

export const mappingDocumentExample = {
  domain: 'socialtjanst',
  catalog_version: '1.0.0',
  description: 'Exempelkommun, ekonomiskt bistånd',
  rules: [{
    id: 'eb-handlaggare',
    description: 'Socialsekreterare på utredningsenheterna för ekonomiskt bistånd',
    when: { all: [{ position_codes: ['151010', '151020'] }, { unit_within: ['soc-eb-norr', 'soc-eb-syd'] }, { employment_types: ['tillsvidare', 'visstid', 'vikariat'] }] },
    grant: ['socialtjanst.eb.handlaggare']
  }]
}

const warning = { pointer: '/rules/0/when/all/1/unit_within/1', code: 'unknown-unit', detail: 'No synced unit soc-eb-syd' }

export const mappingCreatedExample = { version: 2, status: 'draft', warnings: [warning], domain: 'socialtjanst', catalog_version: '1.0.0' }

export const mappingSummaryExample = {
  version: 2,
  domain: 'socialtjanst',
  catalog_version: '1.0.0',
  status: 'draft',
  description: 'Exempelkommun, ekonomiskt bistånd',
  rules: 1,
  warnings: [warning],
  created_by: 'api-key:Kq3vX9mTa2LbR7wE',
  created_at: '2026-03-02T09:10:00.000Z',
  published_by: null,
  published_at: null,
  superseded_at: null
}

export const mappingViewExample = { ...mappingSummaryExample, document: mappingDocumentExample, source: { format: 'yaml', text: mappingYamlExample } }

export const publishedMappingExample = {
  ...mappingViewExample,
  status: 'active',
  published_by: 'api-key:Kq3vX9mTa2LbR7wE',
  published_at: '2026-03-02T09:30:00.000Z',
  recompute: { people: 412, grants: 57, changed: 9, revoked: 2 }
}

export const previewExample = {
  version: 2,
  domain: 'socialtjanst',
  day: '2026-03-02',
  compared_with: 1,
  people: 412,
  attributes: {
    'socialtjanst.eb.handlaggare': {
      before: 21,
      after: 23,
      gained_count: 2,
      lost_count: 0,
      rescoped_count: 1,
      gained: ['5b0c7f1e-2a43-4d8e-9b61-0f3e2c7a9d15', '9e4a2d7c-6b18-4f03-8c5e-1a7d3b9f0e62'],
      lost: [],
      rescoped: ['c3f81a6d-0e92-47b5-a4d7-6e2b9c1f8a30']
    }
  },
  rule_matches: { 'eb-handlaggare': 23 },
  rules_matching_nobody: [],
  listed_people: {
    '5b0c7f1e-2a43-4d8e-9b61-0f3e2c7a9d15': { employee_number: '100234', given_name: 'Anna', family_name: 'Svensson' },
    '9e4a2d7c-6b18-4f03-8c5e-1a7d3b9f0e62': { employee_number: '100871', given_name: 'Örjan', family_name: 'Åberg' },
    'c3f81a6d-0e92-47b5-a4d7-6e2b9c1f8a30': { employee_number: '100412', given_name: 'Märta', family_name: 'Lindqvist' }
  }
}

const annaId = '5b0c7f1e-2a43-4d8e-9b61-0f3e2c7a9d15'
const provenance = { mapping_version: 2, rule_id: 'eb-handlaggare', employment_ids: ['a9d3e6f1-7c20-4b58-8e14-3f6b2d0c9a77'], group_dns: [], group_via: {} }

export const effectiveAttributeExample = {
  id: 'socialtjanst.eb.handlaggare',
  domain: 'socialtjanst',
  unit_id: 'soc-eb-norr',
  valid_from: '2021-03-01',
  valid_until: null,
  mapping_version: 2,
  provenance: [provenance],
  computed_at: '2026-03-02T09:30:00.000Z'
}

export const explanationExample = {
  person_id: annaId,
  attribute_id: 'socialtjanst.eb.handlaggare',
  day: '2026-03-02',
  mapping_version: 2,
  holds: true,
  text: 'Holds socialtjanst.eb.handlaggare for soc-eb-norr: rule eb-handlaggare (mapping version 2) matches the employment at Ekonomiskt bistånd norr (position code 151010, tillsvidare, from 2021-03-01).',
  grants: [{ attribute_id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-norr', valid_from: '2021-03-01', valid_until: null, provenance: [provenance] }],
  data: [provenance],
  records: {
    employments: [{ employment_id: 'a9d3e6f1-7c20-4b58-8e14-3f6b2d0c9a77', unit_id: 'soc-eb-norr', position_code: '151010', title: 'Socialsekreterare', employment_type: 'tillsvidare', extent: 100, start_date: '2021-03-01', end_date: null }],
    groups: []
  }
}
