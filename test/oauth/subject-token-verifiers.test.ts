import t from 'tap'
import { subjectTokenVerifiers } from '../../src/oauth/subject-tokens/subject-token-verifiers.js'
import { ID_TOKEN_TYPE, JWT_TOKEN_TYPE, SAML2_TOKEN_TYPE } from '../../src/oauth/subject-tokens/subject-token-verifier.js'
import { clientKeys } from '../../src/relying-parties/client-keys.js'

// No identity provider is registered: every token is refused before a key is read or an
// assertion ID remembered (the replay guard here would fail the test if it were asked).
const verifiers = subjectTokenVerifiers({
  issuer: 'https://behorig.test',
  identityProviders: { findOidc: async () => undefined, findSaml: async () => undefined },
  replay: { firstUse: async () => { throw new Error('no assertion reaches the replay guard here') }, close: async () => {} },
  keys: clientKeys({ get: async () => { throw new Error('no key set is fetched here') } })
})

t.test('token exchange accepts JWTs and ID tokens through one verifier, SAML 2.0 assertions through another, and nothing else', async (t) => {
  t.same([...verifiers.keys()], [JWT_TOKEN_TYPE, ID_TOKEN_TYPE, SAML2_TOKEN_TYPE])
  t.equal(verifiers.get(JWT_TOKEN_TYPE), verifiers.get(ID_TOKEN_TYPE))
  t.not(verifiers.get(SAML2_TOKEN_TYPE), verifiers.get(JWT_TOKEN_TYPE))
  t.equal(verifiers.get('urn:ietf:params:oauth:token-type:saml1'), undefined)
  t.equal(verifiers.get('__proto__'), undefined, 'a Map: no inherited member names a type')
})

t.test('the JWT verifier refuses a token from an issuer no organisation registered, as invalid_request', async (t) => {
  const unsigned = `${Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'https://idp.unknown.test', sub: 'x' })).toString('base64url')}.c2ln`
  await t.rejects(verifiers.get(JWT_TOKEN_TYPE)?.verify(unsigned, 'fk', []) as Promise<unknown>, { code: 'invalid_request', description: 'the subject_token\'s issuer is not a registered identity provider' })
  await t.rejects(verifiers.get(JWT_TOKEN_TYPE)?.verify('not a jwt', 'fk', []) as Promise<unknown>, { code: 'invalid_request', description: 'the subject_token is not a JWT' })
})
