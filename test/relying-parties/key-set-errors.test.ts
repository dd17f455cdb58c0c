import { generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import { keySetErrors, type ClientJwk } from '../../src/relying-parties/relying-party-document.js'

const ecKey = (kid: string): ClientJwk => ({ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid } as ClientJwk)

t.test('an inline key set is refused for a kid given twice and for a key that is no usable public key, in key order', async (t) => {
  t.same(keySetErrors([ecKey('a'), ecKey('b')]), [])
  const p384 = { ...generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }), kid: 'c' } as ClientJwk
  t.same(keySetErrors([ecKey('a'), ecKey('a'), p384]), [
    { pointer: '/jwks/keys/1/kid', detail: 'kid "a" appears twice' },
    { pointer: '/jwks/keys/2', detail: 'an EC key must be on P-256' }
  ])
})

t.test('a caller\'s own refusal stands in for the public-key check: one error per key', async (t) => {
  const privateKey = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'a' } as ClientJwk
  t.same(keySetErrors([privateKey]), [], 'a private JWK still holds a usable public key')
  t.same(keySetErrors([privateKey], (jwk) => 'd' in jwk ? 'private' : undefined), [{ pointer: '/jwks/keys/0', detail: 'private' }])
  const p384 = { ...generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }), kid: 'b' } as ClientJwk
  t.same(keySetErrors([p384], () => 'refused'), [{ pointer: '/jwks/keys/0', detail: 'refused' }])
  t.same(keySetErrors([p384], () => undefined), [{ pointer: '/jwks/keys/0', detail: 'an EC key must be on P-256' }], 'a key the caller lets through is still checked')
})
