import fc from 'fast-check'
import t from 'tap'
import { canonicalJson } from '../../src/crypto/canonical-json.js'
import { propertyRuns } from '../helpers/property-runs.js'

// Catalog versions are pinned to published hashes and audit events are re-hashed by the
// verifier, so the canonical form must stay byte for byte what it was before it moved to the
// `canonicalize` package. These are the two former implementations, kept frozen as the
// reference for the values each one hashes.

/** src/catalog/catalog-hash.ts, until the move: documents parsed from YAML. */
function catalogBefore (value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const json = JSON.stringify(value)
    if (json === undefined) throw new TypeError(`no canonical JSON for a ${typeof value}`)
    return json
  }
  if (Array.isArray(value)) return `[${value.map(catalogBefore).join(',')}]`
  const record = value as Record<string, unknown>
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${catalogBefore(record[key])}`)
  return `{${members.join(',')}}`
}

/** src/audit/audit-hash.ts, until the move: events as the code hands them over (Dates, undefined members) and as jsonb gives them back. */
function auditBefore (input: unknown): string | undefined {
  const value = input !== null && typeof input === 'object' && typeof (input as { toJSON?: unknown }).toJSON === 'function'
    ? (input as { toJSON: () => unknown }).toJSON()
    : input
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : JSON.stringify(value)
  }
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (auditBefore(value[i]) ?? 'null')
    return out + ']'
  }
  const keys = Object.keys(value).sort()
  let out = '{'
  for (const key of keys) {
    const member = auditBefore((value as Record<string, unknown>)[key])
    if (member === undefined) continue
    out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + member
  }
  return out + '}'
}

// Any code point (RFC 8785 sorts keys by UTF-16 code units, so astral characters matter),
// but no lone surrogates: YAML files are UTF-8 and jsonb refuses them.
const text = fc.string({ unit: 'binary' })
const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constantFrom(0, -0, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE))
const json = fc.jsonValue({ stringUnit: 'binary' })

const auditValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), number, text, fc.date({ noInvalidDate: true }), tie('array'), tie('object')),
  member: fc.oneof(tie('value'), fc.constant(undefined)),
  array: fc.array(tie('member'), { maxLength: 5 }),
  object: fc.dictionary(text, tie('member'), { maxKeys: 5 })
})).value

t.test('canonical JSON is byte for byte what the catalog hashed before', async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(fc.oneof(json, fc.dictionary(text, json)), (value) =>
    canonicalJson(value) === catalogBefore(value)), { numRuns: propertyRuns(2000) }))
})

t.test('canonical JSON is byte for byte what the audit chain hashed before', async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(auditValue, (value) =>
    canonicalJson(value) === auditBefore(value)), { numRuns: propertyRuns(2000) }))
})

t.test('sorts keys by UTF-16 code units, not by locale', async (t) => {
  t.equal(canonicalJson({ b: 1, B: 2, a: { '\u{1F600}': 1, '\uFFFF': 2 }, é: 3 }), '{"B":2,"a":{"\u{1F600}":1,"\uFFFF":2},"b":1,"é":3}')
})

t.test('refuses what RFC 8785 has no form for', async (t) => {
  t.throws(() => canonicalJson(undefined), TypeError)
  t.throws(() => canonicalJson({ a: Number.NaN }))
  t.throws(() => canonicalJson({ a: Number.POSITIVE_INFINITY }))
  t.throws(() => canonicalJson(['\uD800']))
})
