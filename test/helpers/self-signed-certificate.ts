import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Test } from 'tap'

/**
 * A self-signed P-256 certificate, valid for a day, for an HTTPS stand-in on loopback (a key
 * server, an HR system): its `cert` is also the CA the client under test is given.
 */
export function selfSignedCertificate (t: Pick<Test, 'testdir'>, commonName: string, subjectAltName = 'IP:127.0.0.1'): { key: string, cert: string } {
  const dir = t.testdir()
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', `/CN=${commonName}`, '-addext', `subjectAltName=${subjectAltName}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' })
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') }
}
