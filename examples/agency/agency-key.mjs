// What an agency (relying party) needs to talk to behorig: a key pair, and client
// assertions signed with it (private_key_jwt, RFC 7523). Copy it; it needs only `jose`.
//
//   node agency-key.mjs keys DIR KID                     writes DIR/private.jwk.json (keep it secret)
//                                                        and DIR/jwks.json (send it to the operator)
//   node agency-key.mjs assertion DIR CLIENT_ID ISSUER   prints a client assertion, valid for 60 s
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose'

const [command, dir, ...rest] = process.argv.slice(2)

if (command === 'keys' && dir && rest.length === 1) {
  const kid = rest[0]
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'private.jwk.json'), JSON.stringify({ ...await exportJWK(privateKey), kid, alg: 'ES256' }), { mode: 0o600 })
  const jwks = { keys: [{ ...await exportJWK(publicKey), kid, alg: 'ES256', use: 'sig' }] }
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify(jwks, null, 2) + '\n')
  console.log(JSON.stringify(jwks))
} else if (command === 'assertion' && dir && rest.length === 2) {
  const [clientId, issuer] = rest
  const jwk = JSON.parse(readFileSync(join(dir, 'private.jwk.json'), 'utf8'))
  // iss = sub = your client_id; aud = behorig's issuer; a fresh jti every time (it is never accepted twice).
  const assertion = await new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
    .setIssuer(clientId).setSubject(clientId).setAudience(issuer)
    .setIssuedAt().setExpirationTime('60s')
    .sign(await importJWK(jwk, 'ES256'))
  console.log(assertion)
} else {
  console.error('usage: node agency-key.mjs keys DIR KID | assertion DIR CLIENT_ID ISSUER')
  process.exit(2)
}
