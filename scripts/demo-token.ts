/**
 * `npm run demo:token`: what an agency does, against the quickstart demo. Reads the demo
 * relying party's key from BEHORIG_DATA_DIR/demo/ (written when the server seeded the
 * demo), gets an access token with private_key_jwt, asks for an attribute token for a
 * demo employee, verifies it with scripts/verify-token.ts, and prints the result.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { importJWK, SignJWT, type JWK } from 'jose'
import { verifyAttributeToken } from './verify-token.js'

interface DemoFile { issuer: string, client_id: string, kid: string, private_key_file: string, subject: Record<string, string> }

async function post (url: string, body: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers, body })
  const json = await res.json() as Record<string, unknown>
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${JSON.stringify(json)}`)
  return json
}

async function main (): Promise<void> {
  const dir = join(process.env['BEHORIG_DATA_DIR'] ?? './data', 'demo')
  let demo: DemoFile
  try {
    demo = JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8')) as DemoFile
  } catch {
    throw new Error(`no demo in ${dir}: start the service first (npm start; BEHORIG_DEMO must not be false)`)
  }
  // The issuer the server announced; BEHORIG_ISSUER overrides it (e.g. behind a proxy).
  const issuer = (process.env['BEHORIG_ISSUER'] ?? demo.issuer).replace(/\/+$/, '')
  const key = await importJWK(JSON.parse(readFileSync(demo.private_key_file, 'utf8')) as JWK, 'ES256')

  // 1. private_key_jwt (RFC 7523): iss = sub = client_id, aud = the issuer, a fresh jti.
  const assertion = await new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: demo.kid })
    .setIssuer(demo.client_id).setSubject(demo.client_id).setAudience(issuer)
    .setIssuedAt().setExpirationTime('60s')
    .sign(key)
  const access = await post(`${issuer}/oauth/token`, new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion
  }).toString(), { 'content-type': 'application/x-www-form-urlencoded' })
  process.stdout.write(`1. access token for ${demo.client_id} (expires in ${String(access['expires_in'])} s)\n`)

  // 2. The attribute token for the demo employee.
  const issued = await post(`${issuer}/v1/attribute-tokens`, JSON.stringify({ subject: demo.subject }), {
    authorization: `Bearer ${String(access['access_token'])}`, 'content-type': 'application/json'
  })
  process.stdout.write(`2. attribute token for ${demo.subject['type']} ${demo.subject['value']} at ${demo.subject['organisation']}:\n${String(issued['attribute_token'])}\n`)

  // 3. Verified as an agency would: JWKS, typ, iss, aud, exp/nbf, status list.
  const result = await verifyAttributeToken(String(issued['attribute_token']), { issuer, audience: demo.client_id })
  process.stdout.write(`3. verified: ${result.valid ? 'valid' : `REFUSED (${result.reason})`}\n${JSON.stringify({ header: result.header, claims: result.claims, status: result.status }, null, 2)}\n`)
  if (!result.valid) process.exitCode = 1
}

main().catch((error: unknown) => {
  process.stderr.write(`demo:token failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
