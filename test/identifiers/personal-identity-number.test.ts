import t from 'tap'
import { parsePersonalIdentityNumber } from '../../src/identifiers/personal-identity-number.js'

t.test('accepts a valid 12-digit personnummer', async (t) => {
  t.same(parsePersonalIdentityNumber('198112289874'), { ok: true, value: '198112289874', coordinationNumber: false })
  t.same(parsePersonalIdentityNumber('191212121212'), { ok: true, value: '191212121212', coordinationNumber: false })
})

t.test('normalises the YYYYMMDD-NNNC form to 12 digits', async (t) => {
  t.same(parsePersonalIdentityNumber('19811228-9874'), { ok: true, value: '198112289874', coordinationNumber: false })
})

t.test('accepts a samordningsnummer (day plus 60)', async (t) => {
  // born 1981-12-28, written with day 88; check digit 1 completes the Luhn sum
  t.same(parsePersonalIdentityNumber('198112889871'), { ok: true, value: '198112889871', coordinationNumber: true })
})

t.test('refuses a wrong check digit', async (t) => {
  t.match(parsePersonalIdentityNumber('198112289875'), { ok: false, rule: 'checksum' })
})

t.test('refuses dates that do not exist', async (t) => {
  t.match(parsePersonalIdentityNumber('198102309870'), { ok: false, rule: 'date' }, '30 February')
  t.match(parsePersonalIdentityNumber('198113019870'), { ok: false, rule: 'date' }, 'month 13')
  t.match(parsePersonalIdentityNumber('198112009870'), { ok: false, rule: 'date' }, 'day 0')
  t.match(parsePersonalIdentityNumber('198112929870'), { ok: false, rule: 'date' }, 'coordination day 32')
  t.match(parsePersonalIdentityNumber('200002290005'), { ok: true }, '29 February 2000, a leap year')
  t.match(parsePersonalIdentityNumber('190002290000'), { ok: false, rule: 'date' }, '1900 was not a leap year')
})

t.test('refuses other formats, including the ambiguous 10-digit ones', async (t) => {
  for (const input of ['8112289874', '811228-9874', '811228+9874', '1981122898', '19811228 9874', '1981-12-28-9874', 'ÅÄÖ', '']) {
    t.match(parsePersonalIdentityNumber(input), { ok: false, rule: 'format' }, input)
  }
})

t.test('never repeats the number in its messages', async (t) => {
  for (const input of ['198112289875', '198102309870', '81122898']) {
    const result = parsePersonalIdentityNumber(input)
    t.notOk(result.ok)
    if (!result.ok) t.notMatch(result.message, /\d{6}/)
  }
})
