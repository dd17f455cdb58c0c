import t from 'tap'
import { parseOrganisationNumber } from '../../src/identifiers/organisation-number.js'
import { luhnCheckDigit, luhnValid } from '../../src/identifiers/luhn.js'

t.test('accepts real municipal organisation numbers, with or without hyphen', async (t) => {
  t.same(parseOrganisationNumber('2120000142'), { ok: true, value: '2120000142' }) // Stockholms stad
  t.same(parseOrganisationNumber('212000-1355'), { ok: true, value: '2120001355' }) // Göteborgs stad
})

t.test('names the rule that failed', async (t) => {
  t.match(parseOrganisationNumber('212000014'), { ok: false, rule: 'format' })
  t.match(parseOrganisationNumber('21200001422'), { ok: false, rule: 'format' })
  t.match(parseOrganisationNumber('212000-0142', false), { ok: false, rule: 'format' })
  t.match(parseOrganisationNumber('2110000142'), { ok: false, rule: 'third-digit' })
  t.match(parseOrganisationNumber('2120000143'), { ok: false, rule: 'checksum' })
})

t.test('Luhn check digits complete any payload', async (t) => {
  for (const payload of ['212000014', '212000135', '19811228987']) {
    t.ok(luhnValid(payload + luhnCheckDigit(payload)), payload)
  }
  t.notOk(luhnValid('12a4'))
})
