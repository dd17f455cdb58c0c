import { effectiveAttributeExample } from '../mapping/mapping-examples.js'

/** Examples for openapi.yaml: Anna Svensson, caseworker at Ekonomiskt bistånd norr in Exempelkommun. */
export const personExample = {
  id: '5b0c7f1e-2a43-4d8e-9b61-0f3e2c7a9d15',
  service_id: 'ts-7q2m9x4k',
  employee_number: '100234',
  given_name: 'Anna',
  family_name: 'Svensson',
  email: 'anna.svensson@exempelkommun.se',
  hsa_id: 'SE2129999997-AS1001',
  has_personal_identity_number: true,
  source: 'heroma',
  last_run: 'run_8fK2mQ4xZ1pT',
  updated_at: '2026-03-02T05:00:02.870Z',
  employments: [{
    id: 'a9d3e6f1-7c20-4b58-8e14-3f6b2d0c9a77',
    source: 'heroma',
    employment_id: 'E-1001',
    unit_id: 'soc-eb-norr',
    position_code: '151010',
    title: 'Socialsekreterare',
    employment_type: 'tillsvidare',
    start_date: '2021-03-01',
    end_date: null,
    extent: 100,
    ended_at: null,
    last_run: 'run_8fK2mQ4xZ1pT'
  }],
  groups: [{ dn: 'cn=soc-eb-handlaggare,ou=groups,dc=exempel,dc=se', source: 'ad', via: [] }],
  attributes: [effectiveAttributeExample]
}
