// A stand-in for a municipality's identity provider, to try token exchange (docs/tokens.md,
// section 8) without one: signs a 5-minute ID token naming an employee by employee number,
// with a key pair made by ../agency/agency-key.mjs (`keys DIR KID`).
//
//   node id-token.mjs DIR ISSUER AUDIENCE EMPLOYEE_NUMBER
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { importJWK, SignJWT } from 'jose'

const [dir, issuer, audience, employeeNumber] = process.argv.slice(2)
if (!employeeNumber) {
  console.error('usage: node id-token.mjs DIR ISSUER AUDIENCE EMPLOYEE_NUMBER')
  process.exit(2)
}
const jwk = JSON.parse(readFileSync(join(dir, 'private.jwk.json'), 'utf8'))
const idToken = await new SignJWT({ employee_number: employeeNumber })
  .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' })
  .setIssuer(issuer).setSubject(`employee-${employeeNumber}`).setAudience(audience)
  .setIssuedAt().setExpirationTime('5m')
  .sign(await importJWK(jwk, 'ES256'))
console.log(idToken)
