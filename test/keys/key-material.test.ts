import t from 'tap'
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { compactVerify, importJWK } from 'jose'
import { generateSigningKey, signCompact, signCompactInPool, SIGNING_ALGS } from '../../src/keys/key-material.js'

for (const alg of SIGNING_ALGS) {
  t.test(`${alg}: signed on the event loop or on the thread pool, the JWS verifies and says the same`, async (t) => {
    const generated = generateSigningKey(alg)
    const privateKey = createPrivateKey(generated.privatePkcs8)
    const publicKey = await importJWK({ ...generated.publicJwk }, alg)
    const header = { alg, kid: generated.kid, typ: 'attribute-token+jwt' }
    const payload = { iss: 'https://behorig.example', sub: 'å-ä-ö', n: 1 }
    const tokens = [signCompact(alg, privateKey, header, payload), await signCompactInPool(alg, privateKey, header, payload)]
    for (const token of tokens) {
      const { protectedHeader, payload: signed } = await compactVerify(token, publicKey)
      t.same(protectedHeader, header)
      t.same(JSON.parse(new TextDecoder().decode(signed)), payload)
    }
    // Same signing input; ES256 signatures are randomised, EdDSA's are not.
    t.equal(tokens[0]?.split('.').slice(0, 2).join('.'), tokens[1]?.split('.').slice(0, 2).join('.'))
    if (alg === 'EdDSA') t.equal(tokens[0], tokens[1])
    else t.equal(Buffer.from(tokens[1]?.split('.')[2] ?? '', 'base64url').length, 64, 'ES256 signature is r||s (64 bytes), not DER')
  })
}

t.test('a key that cannot sign rejects the promise instead of throwing on the event loop', async (t) => {
  const generated = generateSigningKey('ES256')
  const publicOnly = createPublicKey(createPrivateKey(generated.privatePkcs8))
  await t.rejects(signCompactInPool('ES256', publicOnly, { alg: 'ES256' }, {}))
})
