import t from 'tap'
import { readFileSync } from 'node:fs'
import { KNOWN_LOAS, LOA3, loaRank, meetsLoa } from '../../src/identifiers/loa.js'

const ELN = 'http://id.elegnamnden.se/loa/1.0/'
const SC = 'http://id.swedenconnect.se/loa/1.0/'

t.test('the Swedish levels are ordered 1 to 4, and loa3 is the default requirement', async (t) => {
  t.equal(LOA3, `${ELN}loa3`)
  t.same([1, 2, 3, 4].map((n) => loaRank(`${ELN}loa${n}`)), [1, 2, 3, 4])
  t.ok(meetsLoa(`${ELN}loa3`, LOA3))
  t.ok(meetsLoa(`${ELN}loa4`, LOA3))
  t.notOk(meetsLoa(`${ELN}loa2`, LOA3))
  t.notOk(meetsLoa(`${ELN}loa1`, `${ELN}loa2`))
})

t.test('eIDAS low, substantial and high rank with loa2, loa3 and loa4, notified or not', async (t) => {
  for (const [eidas, swedish] of [['low', 'loa2'], ['sub', 'loa3'], ['high', 'loa4']] as const) {
    for (const uri of [`${ELN}eidas-${eidas}`, `${ELN}eidas-nf-${eidas}`]) {
      t.equal(loaRank(uri), loaRank(`${ELN}${swedish}`), uri)
      t.ok(meetsLoa(uri, `${ELN}${swedish}`), `${uri} meets ${swedish}`)
      t.ok(meetsLoa(`${ELN}${swedish}`, uri), `${swedish} meets ${uri}`)
    }
  }
  t.notOk(meetsLoa(`${ELN}eidas-low`, LOA3))
  t.ok(meetsLoa(`${ELN}eidas-high`, `${ELN}loa4`))
})

t.test('uncertified and non-resident levels meet the level below theirs, not their own', async (t) => {
  for (const n of [2, 3, 4]) {
    const variants = [`${SC}loa${n}-nonresident`, ...(n < 4 ? [`${SC}uncertified-loa${n}`] : [])]
    for (const uri of variants) {
      t.notOk(meetsLoa(uri, `${ELN}loa${n}`), `${uri} does not meet loa${n}`)
      t.ok(meetsLoa(uri, `${ELN}loa${n - 1}`), `${uri} meets loa${n - 1}`)
      t.ok(meetsLoa(uri, uri), `${uri} meets itself`)
    }
  }
  t.notOk(meetsLoa(`${SC}uncertified-eidas-sub`, `${ELN}eidas-sub`))
  t.ok(meetsLoa(`${SC}uncertified-eidas-sub`, `${ELN}loa2`))
})

t.test('an absent or unknown level never meets a requirement, nor anything an unknown one', async (t) => {
  t.notOk(meetsLoa(undefined, `${ELN}loa1`))
  for (const unknown of ['', 'loa3', `${ELN}LOA3`, `${ELN}loa3 `, 'https://id.elegnamnden.se/loa/1.0/loa3', 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport', 'constructor', '__proto__']) {
    t.equal(loaRank(unknown), undefined, JSON.stringify(unknown))
    t.notOk(meetsLoa(unknown, `${ELN}loa1`), JSON.stringify(unknown))
    t.notOk(meetsLoa(`${ELN}loa4`, unknown), `loa4 does not meet ${JSON.stringify(unknown)}`)
  }
})

t.test('the table is ordered by rank, each URI once, and is what a relying party\'s min_loa may name', async (t) => {
  const ranks = KNOWN_LOAS.map((loa) => loa.rank)
  t.same(ranks, [...ranks].sort((a, b) => a - b))
  t.equal(new Set(KNOWN_LOAS.map((loa) => loa.uri)).size, KNOWN_LOAS.length)
  t.ok(KNOWN_LOAS.every((loa) => loa.note.length > 0))
  t.ok(Object.isFrozen(KNOWN_LOAS) && KNOWN_LOAS.every((loa) => Object.isFrozen(loa)))
  const schema = JSON.parse(readFileSync(new URL('../../schemas/relying-party.schema.json', import.meta.url), 'utf8')) as { properties: { min_loa: { enum: string[] } } }
  t.same(schema.properties.min_loa.enum, KNOWN_LOAS.map((loa) => loa.uri), 'schemas/relying-party.schema.json lists the same URIs in the same order')
})
