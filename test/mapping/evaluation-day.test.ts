import t from 'tap'
import { evaluationDay } from '../../src/mapping/evaluation-day.js'

t.test('the day turns at midnight in Sweden, winter (UTC+1) and summer (UTC+2)', async (t) => {
  t.equal(evaluationDay(new Date('2026-01-14T22:59:59.999Z')), '2026-01-14')
  t.equal(evaluationDay(new Date('2026-01-14T23:00:00.000Z')), '2026-01-15')
  t.equal(evaluationDay(new Date('2026-07-14T21:59:59.999Z')), '2026-07-14')
  t.equal(evaluationDay(new Date('2026-07-14T22:00:00.000Z')), '2026-07-15')
})

t.test('the answer reused within a minute is the right one, whatever order clocks are read in', async (t) => {
  const moments = ['2026-03-28T22:59:30Z', '2026-03-28T23:00:10Z', '2026-03-28T22:59:59Z', '2026-03-29T00:59:00Z', '2026-03-29T01:00:00Z', '2026-03-28T23:00:59.999Z']
  const fresh = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' })
  for (let round = 0; round < 3; round++) {
    for (const at of moments) t.equal(evaluationDay(new Date(at)), fresh.format(new Date(at)), at)
  }
})
