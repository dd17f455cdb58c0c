// A stand-in for a municipality's identity provider, to try token exchange (docs/tokens.md,
// section 8) without one: signs a 5-minute ID token naming an employee by employee number,
// with a key pair made by ../agency/agency-key.mjs (`keys DIR KID`). The login's level of
// assurance (`acr`) is ACR, by default loa3: what a relying party requires unless its
// min_loa says otherwise.
//
//   node id-token.mjs DIR ISSUER AUDIENCE EMPLOYEE_NUMBER [ACR]
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { importJWK, SignJWT } from 'jose'

const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3'
const [dir, issuer, audience, employeeNumber, acr = LOA3] = process.argv.slice(2)
if (!employeeNumber) {
  console.error('usage: node id-token.mjs DIR ISSUER AUDIENCE EMPLOYEE_NUMBER [ACR]')
  process.exit(2)
}
const jwk = JSON.parse(readFileSync(join(dir, 'private.jwk.json'), 'utf8'))
const idToken = await new SignJWT({ employee_number: employeeNumber, acr, auth_time: Math.floor(Date.now() / 1000) })
  .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' })
  .setIssuer(issuer).setSubject(`employee-${employeeNumber}`).setAudience(audience)
  .setIssuedAt().setExpirationTime('5m')
  .sign(await importJWK(jwk, 'ES256'))
console.log(idToken)
