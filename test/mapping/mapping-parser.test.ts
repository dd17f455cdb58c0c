import t from 'tap'
import { ProblemError } from '../../src/http/problem.js'
import { detectMappingFormat, parseMappingText } from '../../src/mapping/mapping-parser.js'

const yamlText = `domain: socialtjanst
catalog_version: 1.0.0
rules:
  - id: eb-handlaggare
    when: { position_codes: ["151010"], unit_within: soc-eb }
    grant: [socialtjanst.eb.handlaggare]
`
const expected = {
  domain: 'socialtjanst',
  catalog_version: '1.0.0',
  rules: [{ id: 'eb-handlaggare', when: { position_codes: ['151010'], unit_within: 'soc-eb' }, grant: ['socialtjanst.eb.handlaggare'] }]
}

function problemOf (fn: () => unknown): ProblemError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ProblemError) return error
    throw error
  }
  throw new Error('expected a problem')
}

t.test('YAML and JSON bodies parse to the same document', async (t) => {
  t.same(parseMappingText(yamlText, 'application/yaml'), expected)
  t.same(parseMappingText(JSON.stringify(expected), 'application/json; charset=utf-8'), expected)
  t.same(parseMappingText('\uFEFF' + yamlText), expected, 'a BOM is ignored')
})

t.test('the format follows the content type, else the first character', async (t) => {
  t.equal(detectMappingFormat('a: 1', 'application/json'), 'json')
  t.equal(detectMappingFormat('{}', 'text/yaml'), 'yaml')
  t.equal(detectMappingFormat('{}', 'application/vnd.behorig.mapping+yaml'), 'yaml')
  t.equal(detectMappingFormat('  {"a": 1}'), 'json')
  t.equal(detectMappingFormat('a: 1', 'text/plain'), 'yaml')
})

t.test('a YAML syntax error is a 400 problem naming line and column', async (t) => {
  const problem = problemOf(() => parseMappingText('domain: socialtjanst\nrules: [a, b\ncatalog_version: 1.0.0\n'))
  t.equal(problem.status, 400)
  t.equal(problem.definition.slug, 'malformed-mapping')
  t.match(problem.detail, /^The mapping is not valid YAML at line 3, column 1: /)
  t.same(problem.extensions, { line: 3, column: 1 })
})

t.test('duplicate keys are refused in both formats', async (t) => {
  t.match(problemOf(() => parseMappingText('domain: a\ndomain: b\n')).detail, /line 2, column 1: Map keys must be unique/)
  t.match(problemOf(() => parseMappingText('{"domain": "a", "domain": "b"}')).detail, /not valid JSON at line 1, column 17/)
})

t.test('JSON bodies must be JSON, not YAML flow syntax', async (t) => {
  t.match(problemOf(() => parseMappingText('{domain: socialtjanst}', 'application/json')).detail, /not valid JSON/)
})

t.test('several YAML documents in one body are refused', async (t) => {
  t.match(problemOf(() => parseMappingText('domain: a\n---\ndomain: b\n')).detail, /multiple documents/)
})

t.test('an unknown tag is refused rather than read as a string', async (t) => {
  t.match(problemOf(() => parseMappingText('domain: !secret socialtjanst\n')).detail, /Unresolved tag/)
})

t.test('alias expansion is bounded', async (t) => {
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
  for (let i = 1; i < 6; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill('*' + String.fromCharCode(96 + i)).join(', ')}]`)
  t.match(problemOf(() => parseMappingText(levels.join('\n'))).detail, /cannot be read: .*alias/i)
})
