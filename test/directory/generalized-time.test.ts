import t from 'tap'
import { parseGeneralizedTime, toGeneralizedTime } from '../../src/directory/generalized-time.js'

t.test('reads GeneralizedTime as OpenLDAP and AD write it', async (t) => {
  t.equal(parseGeneralizedTime('20240501101500Z'), '2024-05-01T10:15:00.000Z')
  t.equal(parseGeneralizedTime('20240501101500.0Z'), '2024-05-01T10:15:00.000Z', 'AD whenChanged')
  t.equal(parseGeneralizedTime('20240501101500.25Z'), '2024-05-01T10:15:00.250Z')
  t.equal(parseGeneralizedTime('20240501121500+0200'), '2024-05-01T10:15:00.000Z')
  t.equal(parseGeneralizedTime('2024050110Z'), '2024-05-01T10:00:00.000Z')
  t.equal(parseGeneralizedTime('2024050110.5Z'), '2024-05-01T10:30:00.000Z', 'a fraction of the hour')
  for (const bad of ['', '20240501101500', '2024-05-01T10:15:00Z', '20241301101500Z', '20240501251500Z', 'x20240501101500Z']) t.equal(parseGeneralizedTime(bad), null, bad)
})

t.test('turns a since mark into a whole-second GeneralizedTime', async (t) => {
  t.equal(toGeneralizedTime('2024-05-01T10:15:00Z'), '20240501101500Z')
  t.equal(toGeneralizedTime('2024-05-01T10:15:00.999Z'), '20240501101500Z', 'rounded down, so the same second is read again')
  t.equal(toGeneralizedTime('2024-05-01T12:15:00+02:00'), '20240501101500Z')
  t.equal(toGeneralizedTime('20240501101500Z'), '20240501101500Z')
  for (const bad of ['2024-05-01', '2024-05-01T10:15:00', '*', '2024-05-01T10:15:00Z)(uid=*']) t.equal(toGeneralizedTime(bad), null, bad)
})
