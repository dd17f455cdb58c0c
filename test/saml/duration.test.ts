// durationSeconds reads metadata's cacheDuration (an xs:duration): a year as 365 days, a
// month as 30, and nothing that is not a non-negative xs:duration.
import t from 'tap'
import { durationSeconds } from '../../src/saml/duration.js'
import { SamlError } from '../../src/saml/errors.js'

/** The error `fn` throws; a test fails if it throws none. */
function thrown (fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

t.test('durations in seconds, exactly', async (t) => {
  const cases: Array<[string, number]> = [
    ['PT6H', 21_600],
    ['P1D', 86_400],
    ['PT1H30M', 5_400],
    ['PT0.5S', 0.5],
    ['P1Y2M3DT4H5M6S', 365 * 86_400 + 2 * 30 * 86_400 + 3 * 86_400 + 4 * 3_600 + 5 * 60 + 6],
    ['P1Y', 31_536_000],
    ['P1M', 2_592_000],
    ['PT1M', 60],
    ['PT90S', 90],
    ['P0D', 0],
    ['PT36H', 129_600],
    ['P1DT12H', 129_600]
  ]
  for (const [duration, seconds] of cases) t.equal(durationSeconds(duration), seconds, duration)
  t.equal(durationSeconds('P1Y2M3DT4H5M6S'), 36_993_906, 'the long one, written out')
})

t.test('what is not an xs:duration is refused, naming it', async (t) => {
  for (const duration of ['', 'P', 'PT', '-PT1H', '6H', 'P1H', 'P1DT', 'PT1.5H', 'p1d', ' PT1H', 'PT1H ', 'P1D1Y', 'PT1S1M', 'P-1D', 'six hours']) {
    const error = thrown(() => durationSeconds(duration))
    t.type(error, SamlError, `${JSON.stringify(duration)} is a SamlError`)
    t.equal((error as Error | undefined)?.message, `"${duration}" is not an xs:duration`, JSON.stringify(duration))
  }
})

t.test('the message quotes at most 40 characters of what it refuses', async (t) => {
  const long = `P${'9'.repeat(100)}X`
  const error = thrown(() => durationSeconds(long))
  t.type(error, SamlError)
  t.equal((error as Error).message, `"P${'9'.repeat(39)}" is not an xs:duration`)
})
