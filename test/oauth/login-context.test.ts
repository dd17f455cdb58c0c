import t from 'tap'
import { loginContextOf } from '../../src/oauth/subject-tokens/login-context.js'

const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3'

t.test('a JWT\'s acr and auth_time become the login context', async (t) => {
  t.same(loginContextOf({ acr: LOA3, auth_time: 1_772_444_700 }), { acr: LOA3, authTime: 1_772_444_700 })
  t.same(loginContextOf({ acr: LOA3 }), { acr: LOA3 })
  t.same(loginContextOf({ auth_time: 1_772_444_700 }), { authTime: 1_772_444_700 })
  t.same(loginContextOf({}), {})
})

t.test('an acr that is not a string, or an auth_time that is not a finite number, is left out', async (t) => {
  // JSON.parse as jose does: 1e400 arrives as Infinity.
  const parsed = JSON.parse('{"acr":["http://id.elegnamnden.se/loa/1.0/loa3"],"auth_time":1e400}') as Record<string, unknown>
  t.same(loginContextOf(parsed), {})
  for (const [acr, authTime] of [[3, '1772444700'], [null, Number.NaN], [{ uri: LOA3 }, true]] as const) {
    t.same(loginContextOf({ acr, auth_time: authTime }), {}, JSON.stringify([acr, authTime]))
  }
})

t.test('only the token\'s own claims count, not inherited ones', async (t) => {
  const inherited = Object.create({ acr: LOA3, auth_time: 1 }) as Record<string, unknown>
  t.same(loginContextOf(inherited), {})
})
