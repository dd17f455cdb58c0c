import { createReadStream } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { ProblemError } from '../../src/http/problem.js'
import { readHrSnapshot } from '../../src/sources/hr-snapshot-reader.js'
import type { SourceItem } from '../../src/sources/source-records.js'

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/hr/${name}`, import.meta.url))

/** Bytes in small chunks, so multi-byte characters and lines are split across chunks. */
async function * chunked (text: string | Buffer, size = 5): AsyncGenerator<Buffer> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

async function collect (input: AsyncIterable<Buffer | string>, contentType = 'text/csv'): Promise<SourceItem[]> {
  const items: SourceItem[] = []
  for await (const item of readHrSnapshot(input, contentType)) items.push(item)
  return items
}

async function problemOf (input: AsyncIterable<Buffer | string>, contentType = 'text/csv'): Promise<{ error: ProblemError, items: SourceItem[] }> {
  const items: SourceItem[] = []
  try {
    for await (const item of readHrSnapshot(input, contentType)) items.push(item)
  } catch (error) {
    if (error instanceof ProblemError) return { error, items }
    throw error
  }
  throw new Error('expected the snapshot to fail')
}

const HEADER = 'employee_number,given_name,unit_id,unit_name,parent_unit_id,unit_kind,title,employment_type,start_date,end_date,extent'

t.test('reads an Excel export: semicolons, BOM, CRLF, å ä ö intact', async (t) => {
  const items = await collect(createReadStream(fixture('excel-semicolon-bom.csv')))
  t.same(items.map((i) => i.type), ['unit', 'unit', 'employment', 'employment'])
  const [soc, eb, first, second] = items
  t.match(soc, { type: 'unit', row: 2, pointer: '/rows/2', record: { unit_id: 'soc', name: 'Socialförvaltningen', parent_id: null, kind: 'forvaltning' } })
  t.match(eb, { type: 'unit', row: 3, record: { unit_id: 'soc-eb', name: 'Ekonomiskt bistånd', parent_id: 'soc' } })
  t.match(first, {
    type: 'employment',
    row: 3,
    record: {
      employment_key: '100234|soc-eb|2021-03-01',
      employee_number: '100234',
      given_name: 'Åsa',
      family_name: 'Öberg',
      personal_identity_number: '198112289874',
      title: 'Socialsekreterare',
      end_date: null,
      extent: 100
    }
  })
  t.match(second, { row: 4, record: { given_name: 'Märta', family_name: 'Lindén', title: 'Biståndshandläggare', end_date: '2025-06-30', extent: 50.5 } })
})

t.test('reads a comma-separated file without BOM, with quoted commas', async (t) => {
  const csv = `${HEADER}\n100234,Anna,soc,"Socialförvaltningen, stab",,forvaltning,"Förste socialsekreterare, barn och unga",tillsvidare,2021-03-01,,100\n`
  const items = await collect(chunked(csv))
  t.match(items, [
    { type: 'unit', record: { name: 'Socialförvaltningen, stab' } },
    { type: 'employment', record: { title: 'Förste socialsekreterare, barn och unga', given_name: 'Anna' } }
  ])
})

t.test('also takes text chunks and a leading BOM in them', async (t) => {
  const items = await collect(chunked(`\uFEFF${HEADER}\n1,Åke,u,Enhet,,,,uppdrag,2020-01-01,,\n`), 'text/csv; charset=UTF-8')
  t.equal(items.length, 2)
  const texts = (async function * () { yield `\uFEFF${HEADER}\n`; yield '1,Åke,u,Enhet,,,,uppdrag,2020-01-01,,\n' })()
  t.match(await collect(texts), [{ type: 'unit' }, { type: 'employment', record: { given_name: 'Åke', extent: null } }])
})

t.test('yields each unit once, and counts rows as a spreadsheet does', async (t) => {
  const csv = [
    'Employee_Number;Unit_ID;Unit_Name;Parent_Unit_ID;Start_Date;Employment_Type;Lönekonto',
    ';soc;Socialförvaltningen;;;;',
    '1;soc-eb;Ekonomiskt bistånd;soc;2021-01-01;tillsvidare;7',
    '',
    '2;soc-eb;Ekonomiskt bistånd;soc;2021-01-01;vikariat;7',
    '3;soc;Socialförvaltningen;;2019-05-01;tillsvidare;7'
  ].join('\n')
  const items = await collect(chunked(csv))
  t.same(items.map((i) => [i.type, i.row]), [['unit', 2], ['unit', 3], ['employment', 3], ['employment', 5], ['employment', 6]])
})

t.test('quarantines a unit described differently later, keeping its employment', async (t) => {
  const csv = `${HEADER}\n1,A,soc,Socialförvaltningen,,,,tillsvidare,2021-01-01,,\n2,B,soc,Socialtjänsten,,,,tillsvidare,2021-01-01,,\n`
  const items = await collect(chunked(csv))
  t.match(items[2], { type: 'quarantine', record_type: 'unit', row: 3, pointer: '/rows/3/unit_name', code: 'conflicting-unit', unit_id: 'soc', reason: /row 2/ })
  t.match(items[3], { type: 'employment', row: 3, record: { employee_number: '2' } })
})

t.test('quarantines a row whose field count differs from the header', async (t) => {
  const csv = `${HEADER}\n1,A,soc,Soc,,,,tillsvidare,2021-01-01,,100,extra\n`
  const [item] = await collect(chunked(csv))
  t.match(item, { type: 'quarantine', row: 2, pointer: '/rows/2', code: 'column-count' })
  t.notOk(item && 'raw' in item && item.raw !== undefined, 'a misaligned row is not echoed: a personnummer could be anywhere in it')
})

t.test('a header without required columns fails the file before any row', async (t) => {
  const csv = 'employee_number;unit_id;start_date\n1;soc;2021-01-01\n'
  const { error, items } = await problemOf(chunked(csv))
  t.equal(error.definition.slug, 'hr-snapshot-header-invalid')
  t.equal(error.status, 422)
  t.same(error.errors?.map((e) => e.pointer), ['/header/unit_name', '/header/employment_type'])
  t.same(items, [])
})

t.test('a column named twice fails the file', async (t) => {
  const { error } = await problemOf(chunked(`${HEADER},title\n`))
  t.equal(error.definition.slug, 'hr-snapshot-header-invalid')
  t.same(error.errors, [{ pointer: '/header/title', detail: 'column "title" appears more than once' }])
})

t.test('input that is not CSV at all fails whole', async (t) => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xd8])
  t.equal((await problemOf(chunked(png))).error.definition.slug, 'hr-snapshot-unreadable', 'binary')
  const json = await problemOf(chunked('{"units":[],"employments":[]}'))
  t.equal(json.error.definition.slug, 'hr-snapshot-unreadable', 'JSON sent as CSV')
  t.match(json.error.detail, /application\/json/)
  t.equal((await problemOf(chunked(''))).error.definition.slug, 'hr-snapshot-unreadable', 'empty')
  t.equal((await problemOf(chunked('x'.repeat(70000)))).error.definition.slug, 'hr-snapshot-unreadable', 'no line breaks')
})

t.test('a Windows-1252 export is refused instead of garbling å ä ö', async (t) => {
  const { error, items } = await problemOf(createReadStream(fixture('windows-1252.csv')))
  t.equal(error.definition.slug, 'hr-snapshot-unreadable')
  t.match(error.detail, /UTF-8/)
  t.same(items, [])
})

t.test('UTF-16 text is refused', async (t) => {
  const { error } = await problemOf(chunked(Buffer.from(`${HEADER}\n`, 'utf16le')))
  t.match(error.detail, /NUL/)
})

t.test('an unclosed quote fails the file and names the line', async (t) => {
  const { error } = await problemOf(chunked(`${HEADER}\n1,"A,soc,Soc,,,,tillsvidare,2021-01-01,,\n`))
  t.equal(error.definition.slug, 'hr-snapshot-unreadable')
  t.match(error.detail, /not valid CSV near line \d/)
})

t.test('refuses media types it does not read, before reading', async (t) => {
  let pulled = false
  const input = (async function * () { pulled = true; yield '' })()
  const slugThrown = (contentType: string): string | undefined => {
    try {
      readHrSnapshot(input, contentType)
      return undefined
    } catch (error) {
      return error instanceof ProblemError ? error.definition.slug : String(error)
    }
  }
  t.equal(slugThrown('application/vnd.ms-excel'), 'unsupported-media-type')
  t.equal(slugThrown('text/csv; charset=iso-8859-1'), 'unsupported-media-type')
  t.equal(slugThrown(''), 'unsupported-media-type')
  t.equal(pulled, false)
})

t.test('yields rows while the file is still arriving', async (t) => {
  let sent = 0
  const rows = 1000
  async function * slowly (): AsyncGenerator<string> {
    yield `${HEADER}\n`
    for (let i = 0; i < rows; i++) { sent++; yield `${i},A,u,U,,,,tillsvidare,2021-01-01,,\n` }
  }
  for await (const item of readHrSnapshot(slowly(), 'text/csv')) {
    if (item.type === 'employment') {
      t.ok(sent < rows, `first employment seen after ${sent} of ${rows} rows were produced`)
      break
    }
  }
})
