import { createHash } from 'node:crypto'
import t from 'tap'
import { generateHrSnapshot, type GeneratorOptions } from '../../scripts/bench/hr-snapshot-generator.js'

async function text (options: GeneratorOptions): Promise<string> {
  let all = ''
  for await (const chunk of generateHrSnapshot(options)) all += chunk
  return all
}

const digest = (s: string): string => createHash('sha256').update(s).digest('hex')
const small = { employments: 2000, units: 200 }

t.test('the same options give the same bytes', async (t) => {
  t.equal(digest(await text({ format: 'csv', ...small })), digest(await text({ format: 'csv', ...small })))
  t.not(digest(await text({ format: 'csv', ...small, seed: 2 })), digest(await text({ format: 'csv', ...small })))
})

t.test('mutate changes about that share of employments and hires as many', async (t) => {
  const base = JSON.parse(await text({ format: 'json', ...small })) as { employments: Array<Record<string, unknown>> }
  const next = JSON.parse(await text({ format: 'json', ...small, mutate: 10 })) as { employments: Array<Record<string, unknown>> }
  const before = new Map(base.employments.map((e) => [e.employment_id, JSON.stringify(e)]))
  const after = new Map(next.employments.map((e) => [e.employment_id, JSON.stringify(e)]))
  const changed = [...before].filter(([id, e]) => after.get(id) !== e).length
  const hired = [...after.keys()].filter((id) => !before.has(id)).length
  t.ok(changed > 120 && changed < 280, `${changed} of 2000 changed or dropped`)
  t.equal(hired, 200)
})

t.test('writes Swedish names and a valid CSV header', async (t) => {
  const csv = await text({ format: 'csv', employments: 200, units: 50, bom: true })
  t.ok(csv.startsWith('\uFEFFemployment_id;employee_number;'))
  t.match(csv, /[åäöÅÄÖ]/)
})
