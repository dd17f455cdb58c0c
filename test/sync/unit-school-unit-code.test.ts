import t from 'tap'
import { adminHeaders, buildTestApp, defaultStoreKind, openTestStore, type StoreKind } from '../helpers/app.js'
import { createHrSource, importAndWait } from '../helpers/sync.js'

const EMPLOYMENT = { employee_number: '1', unit_id: 'bun-ek', employment_type: 'tillsvidare', start_date: '2022-08-15' }

/** A school administration and one school with the given skolenhetskod (absent when undefined). */
function snapshot (code: unknown): string {
  return JSON.stringify({
    units: [
      { id: 'bun', name: 'Barn- och utbildningsförvaltningen', kind: 'forvaltning' },
      { id: 'bun-ek', name: 'Ekbackens skola', parent_id: 'bun', kind: 'enhet', ...(code === undefined ? {} : { school_unit_code: code }) }
    ],
    employments: [EMPLOYMENT]
  })
}

// The column is added by a migration both stores run (0018), and applied by SQL.
const kinds: StoreKind[] = defaultStoreKind() === 'postgres' ? ['postgres', 'pglite'] : ['pglite']

for (const kind of kinds) {
  t.test(`on ${kind}`, async (t) => {
    const { app, createOrganisation } = await buildTestApp(await openTestStore(kind))

    const units = async (org: string) => {
      const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/units`, headers: adminHeaders })
      if (res.statusCode !== 200) throw new Error(`listing units failed: ${res.statusCode} ${res.body}`)
      return res.json().items as Array<Record<string, unknown>>
    }
    const quarantine = async (org: string, runId: string) => {
      const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs/${runId}/quarantine`, headers: adminHeaders })
      return res.json().items as Array<Record<string, unknown>>
    }

    t.test('a JSON snapshot gives a unit its skolenhetskod, and a re-import that changes only the code updates the unit', async (t) => {
      const org = await createOrganisation()
      await createHrSource(app, org)
      const first = await importAndWait(app, org, snapshot('01234567'), 'application/json')
      t.match(first, { state: 'succeeded', counts: { created: 1, quarantined: 0, units: { created: 2 } } })
      t.match(await units(org), [{ id: 'bun', school_unit_code: null, hsa_id: null }, { id: 'bun-ek', school_unit_code: '01234567' }], 'leading zeros kept')

      const same = await importAndWait(app, org, snapshot('01234567'), 'application/json')
      t.match(same, { state: 'succeeded', counts: { unchanged: 1, units: { created: 0, updated: 0, unchanged: 2 } } })

      const changed = await importAndWait(app, org, snapshot('87654321'), 'application/json')
      t.match(changed, { state: 'succeeded', counts: { updated: 0, unchanged: 1, units: { created: 0, updated: 1, unchanged: 1 } } }, 'only the unit changed')
      t.match(await units(org), [{ id: 'bun' }, { id: 'bun-ek', school_unit_code: '87654321' }])

      const cleared = await importAndWait(app, org, snapshot(undefined), 'application/json')
      t.match(cleared, { state: 'succeeded', counts: { units: { updated: 1, unchanged: 1 } } })
      t.match(await units(org), [{ id: 'bun' }, { id: 'bun-ek', school_unit_code: null }], 'a code the source no longer gives is gone')
    })

    t.test('a malformed skolenhetskod in JSON quarantines the unit at its member, and its employments with it', async (t) => {
      const cases: Array<[string, unknown, RegExp]> = [
        ['seven digits', '1234567', /^school_unit_code must match pattern/],
        ['nine digits', '123456789', /^school_unit_code must match pattern/],
        ['a letter', '1234567A', /^school_unit_code must match pattern/],
        ['a space', '1234 5678', /^school_unit_code must match pattern/],
        ['a number', 12345678, /^school_unit_code must be text or null/]
      ]
      for (const [name, code, reason] of cases) {
        const org = await createOrganisation()
        await createHrSource(app, org)
        const run = await importAndWait(app, org, snapshot(code), 'application/json')
        t.match(run, { state: 'succeeded', counts: { created: 0, quarantined: 2, units: { created: 1 } } }, name)
        t.match(await quarantine(org, run.id), [
          { row: 1, record_type: 'unit', pointer: '/units/1/school_unit_code', code: 'invalid-field', reason, raw: { id: 'bun-ek', school_unit_code: code } },
          { row: 0, record_type: 'employment', pointer: '/employments/0/unit_id', code: 'unknown-unit' }
        ], name)
        t.match(await units(org), [{ id: 'bun' }], `${name}: the unit is not stored`)
      }
    })

    t.test('a CSV snapshot reads unit_school_unit_code, and quarantines a malformed one at its column', async (t) => {
      const org = await createOrganisation()
      await createHrSource(app, org)
      const body = [
        'employee_number;unit_id;unit_name;parent_unit_id;unit_kind;unit_school_unit_code;title;employment_type;start_date',
        ';bun;Barn- och utbildningsförvaltningen;;forvaltning;;;;',
        '1;bun-ek;Ekbackens skola;bun;enhet;12345678;Rektor;tillsvidare;2022-08-15',
        '2;bun-ek;Ekbackens skola;bun;enhet;12345678;Lärare;tillsvidare;2022-08-15',
        '3;bun-al;Almby skola;bun;enhet;1234567;Lärare;tillsvidare;2022-08-15'
      ].join('\n') + '\n'
      const run = await importAndWait(app, org, body)
      t.match(run, { state: 'succeeded', counts: { created: 2, quarantined: 2, units: { created: 2 } } })
      t.match(await units(org), [{ id: 'bun', school_unit_code: null }, { id: 'bun-ek', school_unit_code: '12345678' }])
      t.match(await quarantine(org, run.id), [
        { row: 5, record_type: 'unit', pointer: '/rows/5/unit_school_unit_code', code: 'invalid-field', reason: /^unit_school_unit_code must match pattern/ },
        { row: 5, record_type: 'employment', pointer: '/rows/5/unit_id', code: 'unknown-unit' }
      ])

      const changed = await importAndWait(app, org, body.replaceAll(';12345678;', ';87654321;'))
      t.match(changed, { state: 'succeeded', counts: { updated: 0, unchanged: 2, units: { updated: 1, unchanged: 1 } } }, 'a changed code changes the unit only')
      t.match(await units(org), [{ id: 'bun' }, { id: 'bun-ek', school_unit_code: '87654321' }])
    })

    t.test('a row describing a unit with another skolenhetskod is a conflicting unit', async (t) => {
      const org = await createOrganisation()
      await createHrSource(app, org)
      const body = [
        'employee_number;unit_id;unit_name;unit_school_unit_code;employment_type;start_date',
        '1;bun-ek;Ekbackens skola;12345678;tillsvidare;2022-08-15',
        '2;bun-ek;Ekbackens skola;87654321;tillsvidare;2022-08-15'
      ].join('\n') + '\n'
      const run = await importAndWait(app, org, body)
      t.match(run, { state: 'succeeded', counts: { created: 2, quarantined: 1 } })
      t.match(await quarantine(org, run.id), [{ row: 3, record_type: 'unit', pointer: '/rows/3/unit_school_unit_code', code: 'conflicting-unit' }])
      t.match(await units(org), [{ id: 'bun-ek', school_unit_code: '12345678' }], 'the first description is kept')
    })
  })
}
