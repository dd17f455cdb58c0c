import t from 'tap'
import { readFileSync } from 'node:fs'
import * as problems from '../../src/mapping/errors.js'

t.test('every mapping problem type is documented with its status', async (t) => {
  const docs = readFileSync(new URL('../../docs/problems.md', import.meta.url), 'utf8')
  const declared = Object.values(problems)
  t.same(declared.map((p) => p.slug).sort(), ['invalid-mapping', 'malformed-mapping', 'mapping-not-draft', 'unknown-mapping-version'])
  for (const p of declared) {
    t.match(docs, new RegExp(`### \`${p.slug}\`\\n${p.status}\\. `), `${p.slug} is documented as ${p.status}`)
  }
})

t.test('the problems render their type URI and status', async (t) => {
  const error = problems.MappingNotDraft('Version 3 is published')
  t.equal(error.status, 409)
  t.equal(error.definition.slug, 'mapping-not-draft')
  t.equal(error.detail, 'Version 3 is published')
})
