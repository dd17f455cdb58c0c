import t from 'tap'
import { ProblemError } from '../../src/http/problem.js'
import { readHrSnapshot } from '../../src/sources/hr-snapshot-reader.js'
import type { SourceItem } from '../../src/sources/source-records.js'

async function * chunked (text: string, size = 7): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8')
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

async function collect (text: string): Promise<SourceItem[]> {
  const items: SourceItem[] = []
  for await (const item of readHrSnapshot(chunked(text), 'application/json; charset=utf-8')) items.push(item)
  return items
}

async function failure (text: string): Promise<ProblemError> {
  try {
    await collect(text)
  } catch (error) {
    if (error instanceof ProblemError) return error
    throw error
  }
  throw new Error('expected the snapshot to fail')
}

// The example in DESIGN.md, "HR snapshot, JSON".
const DESIGN_EXAMPLE = `\uFEFF{ "units": [ { "id": "soc", "name": "Socialförvaltningen", "parent_id": null,
               "kind": "forvaltning", "hsa_id": null } ],
  "employments": [ { "employment_id": "E-1001", "employee_number": "100234",
      "given_name": "Anna", "family_name": "Svensson", "email": "anna.svensson@exempel.se",
      "personal_identity_number": "198112289874", "service_id": null,
      "unit_id": "soc-eb-norr", "position_code": "151010", "title": "Socialsekreterare",
      "employment_type": "tillsvidare", "start_date": "2021-03-01", "end_date": null,
      "extent": 100 } ] }`

t.test('reads the DESIGN.md example, BOM and all', async (t) => {
  const items = await collect(DESIGN_EXAMPLE)
  t.same(items, [
    { type: 'unit', row: 0, pointer: '/units/0', record: { unit_id: 'soc', name: 'Socialförvaltningen', parent_id: null, kind: 'forvaltning', hsa_id: null, school_unit_code: null } },
    {
      type: 'employment',
      row: 0,
      pointer: '/employments/0',
      record: {
        employment_key: 'E-1001',
        employment_id: 'E-1001',
        employee_number: '100234',
        given_name: 'Anna',
        family_name: 'Svensson',
        email: 'anna.svensson@exempel.se',
        personal_identity_number: '198112289874',
        service_id: null,
        hsa_id: null,
        unit_id: 'soc-eb-norr',
        position_code: '151010',
        title: 'Socialsekreterare',
        employment_type: 'tillsvidare',
        start_date: '2021-03-01',
        end_date: null,
        extent: 100
      }
    }
  ])
})

t.test('takes the members in either order and absent optional fields as null', async (t) => {
  const items = await collect('{"employments":[{"employee_number":"7","unit_id":"u","employment_type":"timavlonad","start_date":"2024-02-29"}],"units":[]}')
  t.match(items, [{ type: 'employment', record: { employment_key: '7|u|2024-02-29', employment_id: null, email: null, extent: null, end_date: null } }])
})

t.test('quarantines bad elements with their index and pointer, and goes on', async (t) => {
  const items = await collect(JSON.stringify({
    units: [{ id: 'soc', name: 'Soc' }, 'soc-eb', { id: 'x', name: 'X', hsa_id: 'SE123' }],
    employments: [
      { employee_number: '1', unit_id: 'soc', employment_type: 'tillsvidare', start_date: '2021-01-01' },
      { employee_number: '2', unit_id: 'soc', employment_type: 'tillsvidare', start_date: '2021-01-01', end_dat: '2022-01-01' },
      { employee_number: '3', unit_id: 'soc', employment_type: 'tillsvidare', start_date: '2021-01-01', nested: { a: [1, { b: 2 }] } }
    ]
  }))
  t.same(items.map((i) => [i.type, i.row, i.pointer]), [
    ['unit', 0, '/units/0'],
    ['quarantine', 1, '/units/1'],
    ['quarantine', 2, '/units/2/hsa_id'],
    ['employment', 0, '/employments/0'],
    ['quarantine', 1, '/employments/1/end_dat'],
    ['quarantine', 2, '/employments/2/nested']
  ])
  t.match(items[4], { code: 'unknown-field', record_type: 'employment', raw: { end_dat: '2022-01-01' } })
})

t.test('streams: an element is yielded before the document has arrived', async (t) => {
  const total = 2000
  let produced = 0
  async function * slowly (): AsyncGenerator<string> {
    yield '{"units":[],"employments":['
    for (let i = 0; i < total; i++) {
      produced++
      yield `${i === 0 ? '' : ','}{"employee_number":"${i}","unit_id":"u","employment_type":"visstid","start_date":"2021-01-01"}`
    }
    yield ']}'
  }
  // eslint-disable-next-line no-unreachable-loop -- only the first item is wanted, as soon as it comes
  for await (const item of readHrSnapshot(slowly(), 'application/json')) {
    t.equal(item.type, 'employment')
    t.ok(produced < total, `first element seen after ${produced} of ${total} were produced`)
    break
  }
})

t.test('malformed JSON fails the snapshot', async (t) => {
  const error = await failure('{"units":[],"employments":[{"employee_number":"1",}]}')
  t.equal(error.definition.slug, 'hr-snapshot-unreadable')
  t.match(error.detail, /not valid JSON/)
  t.equal((await failure('{"units":[],"employments":[')).definition.slug, 'hr-snapshot-unreadable', 'truncated')
  t.equal((await failure('')).definition.slug, 'hr-snapshot-unreadable', 'empty')
  t.equal((await failure('employee_number;unit_id\n1;2')).definition.slug, 'hr-snapshot-unreadable', 'CSV sent as JSON')
})

t.test('a top level other than { units, employments } fails the snapshot with a pointer', async (t) => {
  const cases: Array<[string, string]> = [
    ['[]', ''],
    ['{"units":[],"employments":{}}', '/employments'],
    ['{"units":[],"employments":[],"generated":"today"}', '/generated'],
    ['{"units":[]}', '/employments'],
    ['{"units":[],"units":[],"employments":[]}', '/units']
  ]
  for (const [document, pointer] of cases) {
    const error = await failure(document)
    t.equal(error.definition.slug, 'hr-snapshot-unreadable', document)
    t.equal(error.errors?.[0]?.pointer, pointer, document)
  }
})
