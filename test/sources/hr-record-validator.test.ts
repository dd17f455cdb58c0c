import t from 'tap'
import { readHrSnapshot } from '../../src/sources/hr-snapshot-reader.js'
import { validateEmployment, validateUnit } from '../../src/sources/hr-record-validator.js'
import type { QuarantineItem, SourceItem } from '../../src/sources/source-records.js'

const place = { row: 17, pointer: '/employments/17' }
const good = { employee_number: '100234', unit_id: 'soc-eb', employment_type: 'tillsvidare', start_date: '2021-03-01' }

function quarantined (item: SourceItem): QuarantineItem {
  if (item.type !== 'quarantine') throw new Error(`expected a quarantine item, got ${item.type}`)
  return item
}

t.test('accepts a minimal employment', async (t) => {
  t.match(validateEmployment(good, place), { type: 'employment', row: 17, pointer: '/employments/17', record: { employment_key: '100234|soc-eb|2021-03-01' } })
})

t.test('each bad field is quarantined with its code, pointer and row', async (t) => {
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['missing employee number', { ...good, employee_number: undefined }, 'missing-employee-number', '/employments/17/employee_number'],
    ['empty employee number', { ...good, employee_number: '' }, 'missing-employee-number', '/employments/17/employee_number'],
    ['month 13', { ...good, start_date: '2021-13-01' }, 'malformed-date', '/employments/17/start_date'],
    ['30 February', { ...good, end_date: '2023-02-30' }, 'malformed-date', '/employments/17/end_date'],
    ['Swedish short date', { ...good, start_date: '1/3/2021' }, 'malformed-date', '/employments/17/start_date'],
    ['end before start', { ...good, end_date: '2021-02-28' }, 'end-before-start', '/employments/17/end_date'],
    ['bad personnummer checksum', { ...good, personal_identity_number: '198112289875' }, 'bad-personal-identity-number', '/employments/17/personal_identity_number'],
    ['personnummer with a hyphen in JSON', { ...good, personal_identity_number: '19811228-9874' }, 'bad-personal-identity-number', '/employments/17/personal_identity_number'],
    ['ten-digit personnummer', { ...good, personal_identity_number: '8112289874' }, 'bad-personal-identity-number', '/employments/17/personal_identity_number'],
    ['unknown employment type', { ...good, employment_type: 'fast' }, 'bad-employment-type', '/employments/17/employment_type'],
    ['extent above 100', { ...good, extent: 101 }, 'extent-out-of-range', '/employments/17/extent'],
    ['negative extent', { ...good, extent: -5 }, 'extent-out-of-range', '/employments/17/extent'],
    ['bad email', { ...good, email: 'anna.svensson(at)exempel.se' }, 'bad-email', '/employments/17/email'],
    ['employee number as a number', { ...good, employee_number: 100234 }, 'invalid-field', '/employments/17/employee_number'],
    ['unknown field', { ...good, slutdatum: '2022-01-01' }, 'unknown-field', '/employments/17/slutdatum'],
    ['missing unit', { ...good, unit_id: undefined }, 'missing-field', '/employments/17/unit_id']
  ]
  for (const [name, raw, code, pointer] of cases) {
    const item = quarantined(validateEmployment(JSON.parse(JSON.stringify(raw)), place))
    t.match(item, { record_type: 'employment', row: 17, code, pointer }, name)
    t.equal(item.problems.length, 1, `${name}: one problem`)
  }
})

t.test('an end date equal to the start date is fine', async (t) => {
  t.equal(validateEmployment({ ...good, end_date: good.start_date }, place).type, 'employment')
})

t.test('lists every problem of a record, the first by field order', async (t) => {
  const item = quarantined(validateEmployment({ employment_type: 'fast', start_date: 'igår', unit_id: 'u', extent: 200 }, place))
  t.equal(item.code, 'missing-employee-number')
  t.same(item.problems.map((p) => p.code).sort(), ['bad-employment-type', 'extent-out-of-range', 'malformed-date', 'missing-employee-number'])
  const mixed = quarantined(validateEmployment({ ...good, extent: 300, personal_identity_number: '198112289875' }, place))
  t.same(mixed.problems.map((p) => p.code), ['bad-personal-identity-number', 'extent-out-of-range'], 'code-checked fields sort in too')
})

t.test('never puts the personnummer in a reason or in the quarantined raw record', async (t) => {
  const pin = '198112289875'
  const item = quarantined(validateEmployment({ ...good, personal_identity_number: pin, extent: 500 }, place))
  t.notMatch(JSON.stringify(item), pin.slice(2, 8))
  t.notOk(Object.hasOwn(item.raw as object, 'personal_identity_number'))
  t.match(item.raw, { employee_number: '100234', extent: 500 })
})

t.test('quarantines a non-object element', async (t) => {
  t.match(validateEmployment(['100234'], place), { type: 'quarantine', code: 'not-an-object', pointer: '/employments/17' })
  t.match(validateUnit(null, { row: 2, pointer: '/units/2' }), { type: 'quarantine', record_type: 'unit', code: 'not-an-object' })
})

t.test('checks units: name required, HSA-id format', async (t) => {
  t.match(validateUnit({ id: 'soc' }, { row: 0, pointer: '/units/0' }), { code: 'missing-field', pointer: '/units/0/name' })
  t.match(validateUnit({ id: 'soc', name: 'Soc', hsa_id: 'SE2120000142-ABC1' }, { row: 0, pointer: '/units/0' }), { type: 'unit', record: { hsa_id: 'SE2120000142-ABC1', parent_id: null, kind: null } })
  t.match(validateUnit({ id: 'soc', name: 'Soc', hsa_id: 'SE212-x' }, { row: 0, pointer: '/units/0' }), { code: 'invalid-field', pointer: '/units/0/hsa_id' })
})

t.test('checks a unit\'s skolenhetskod: exactly 8 digits, as text', async (t) => {
  const at = { row: 0, pointer: '/units/0' }
  t.match(validateUnit({ id: 'ek', name: 'Ekbackens skola', school_unit_code: '01234567' }, at), { type: 'unit', record: { school_unit_code: '01234567', hsa_id: null } })
  t.match(validateUnit({ id: 'ek', name: 'Ekbackens skola' }, at), { type: 'unit', record: { school_unit_code: null } })
  t.match(validateUnit({ id: 'ek', name: 'Ekbackens skola', school_unit_code: null }, at), { type: 'unit', record: { school_unit_code: null } })
  for (const bad of ['1234567', '123456789', '1234567A', 'ABCDEFGH', '1234 5678', '1234-5678', ' 12345678', '１２３４５６７８', '']) {
    t.match(validateUnit({ id: 'ek', name: 'Ekbackens skola', school_unit_code: bad }, at), {
      type: 'quarantine', record_type: 'unit', code: 'invalid-field', pointer: '/units/0/school_unit_code', reason: /^school_unit_code must match pattern/
    }, JSON.stringify(bad))
  }
  t.match(validateUnit({ id: 'ek', name: 'Ekbackens skola', school_unit_code: 12345678 }, at), { code: 'invalid-field', pointer: '/units/0/school_unit_code', reason: /^school_unit_code must be text or null/ })
})

t.test('in CSV, unit_school_unit_code is the unit\'s skolenhetskod, checked at its column', async (t) => {
  const csv = [
    'employee_number;unit_id;unit_name;unit_school_unit_code;start_date;employment_type',
    '1;ek;Ekbackens skola;12345678;2021-01-01;tillsvidare',
    '2;al;Almby skola;1234567;2021-01-01;tillsvidare',
    '3;by;Byskolan;;2021-01-01;tillsvidare'
  ].join('\n')
  const items: SourceItem[] = []
  for await (const item of readHrSnapshot((async function * () { yield csv })(), 'text/csv')) items.push(item)
  t.match(items, [
    { type: 'unit', record: { unit_id: 'ek', school_unit_code: '12345678' } },
    { type: 'employment', row: 2 },
    { type: 'quarantine', record_type: 'unit', row: 3, pointer: '/rows/3/unit_school_unit_code', code: 'invalid-field', reason: /^unit_school_unit_code must match pattern/ },
    { type: 'employment', row: 3 },
    { type: 'unit', record: { unit_id: 'by', school_unit_code: null } },
    { type: 'employment', row: 4 }
  ])
  t.equal(items.length, 6)
})

t.test('in CSV, pointers name the row and the column', async (t) => {
  const csv = [
    'employee_number;unit_id;unit_name;unit_hsa_id;start_date;end_date;employment_type;extent;personal_identity_number;email',
    ';soc;Soc;;2021-01-01;;tillsvidare;;;',
    '2;soc;Soc;;2021-01-01;2020-12-31;tillsvidare;;;',
    '3;soc;Soc;;2021-02-30;;tillsvidare;;;',
    '4;soc;Soc;;2021-01-01;;fast;;;',
    '5;soc;Soc;;2021-01-01;;tillsvidare;hundra;;',
    '6;soc;Soc;;2021-01-01;;tillsvidare;;19811228-9875;',
    '7;soc;Soc;;2021-01-01;;tillsvidare;;;anna@',
    '8;x;X;SE1-2;2021-01-01;;tillsvidare;;;'
  ].join('\n')
  const quarantines: Array<[number, string, string]> = []
  for await (const item of readHrSnapshot((async function * () { yield csv })(), 'text/csv')) {
    if (item.type === 'quarantine') quarantines.push([item.row, item.pointer, item.code])
  }
  t.same(quarantines, [
    [2, '/rows/2/employee_number', 'missing-employee-number'],
    [3, '/rows/3/end_date', 'end-before-start'],
    [4, '/rows/4/start_date', 'malformed-date'],
    [5, '/rows/5/employment_type', 'bad-employment-type'],
    [6, '/rows/6/extent', 'invalid-field'],
    [7, '/rows/7/personal_identity_number', 'bad-personal-identity-number'],
    [8, '/rows/8/email', 'bad-email'],
    [9, '/rows/9/unit_hsa_id', 'invalid-field']
  ])
})

t.test('an employment carries the person\'s HSA-id, checked like a unit\'s', async (t) => {
  t.match(validateEmployment({ ...good, hsa_id: 'SE2120001124-ABC12' }, place), { type: 'employment', record: { hsa_id: 'SE2120001124-ABC12' } })
  t.match(validateEmployment(good, place), { type: 'employment', record: { hsa_id: null } })
  for (const bad of ['SE212000112-ABC12', 'se2120001124-ABC12', 'SE2120001124-', 'SE2120001124-ÅÄÖ', 'SE2120001124-' + 'A'.repeat(19)]) {
    t.match(validateEmployment({ ...good, hsa_id: bad }, place), { type: 'quarantine', code: 'invalid-field', pointer: '/employments/17/hsa_id' }, bad)
  }
})

t.test('in CSV, the hsa_id column is the person\'s HSA-id and unit_hsa_id the unit\'s', async (t) => {
  const csv = [
    'employee_number;unit_id;unit_name;unit_hsa_id;hsa_id;start_date;employment_type',
    '1;soc;Soc;SE2120001124-SOC;SE2120001124-P1;2021-01-01;tillsvidare',
    '2;soc;Soc;SE2120001124-SOC;;2021-01-01;tillsvidare',
    '3;soc;Soc;SE2120001124-SOC;SE2120001124 P3;2021-01-01;tillsvidare'
  ].join('\n')
  const items: SourceItem[] = []
  for await (const item of readHrSnapshot((async function * () { yield csv })(), 'text/csv')) items.push(item)
  t.match(items, [
    { type: 'unit', record: { unit_id: 'soc', hsa_id: 'SE2120001124-SOC' } },
    { type: 'employment', row: 2, record: { employee_number: '1', hsa_id: 'SE2120001124-P1' } },
    { type: 'employment', row: 3, record: { employee_number: '2', hsa_id: null } },
    { type: 'quarantine', row: 4, pointer: '/rows/4/hsa_id', code: 'invalid-field' }
  ])
  t.equal(items.length, 4)
})
