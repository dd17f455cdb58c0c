/**
 * A second, TLS-enabled slapd for the TLS tests, made from the throwaway slapd that
 * scripts/with-test-services.sh started (its slapd.conf and binary), with its own
 * database, a test CA and a server certificate for `localhost` only (no IP address), so
 * `ldaps://localhost` verifies and `ldaps://127.0.0.1` does not. Listens for ldap://
 * (StartTLS) and ldaps://. Stop it with `stop()`.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Client } from 'ldapts'
import { closedPort } from './tcp-stand-ins.js'
import type { LdapSettings } from '../../helpers/services.js'

const run = promisify(execFile)

export interface TlsSlapd {
  caPem: string
  /** ldap://127.0.0.1:PORT — plain, for StartTLS. */
  plainPort: number
  /** ldaps://…:PORT */
  tlsPort: number
  bindDN: string
  bindPassword: string
  baseDN: string
  stop (): Promise<void>
}

export async function startTlsSlapd (ldap: LdapSettings): Promise<TlsSlapd> {
  const conf = ldap.slapdConf
  const binDir = process.env.LDAP_SLAPD_BIN_DIR
  if (!conf || !binDir) throw new Error('the TLS tests need the throwaway slapd of scripts/with-test-services.sh (LDAP_SLAPD_CONF, LDAP_SLAPD_BIN_DIR)')
  const dir = await mkdtemp(join(tmpdir(), 'behorig-tls-slapd-'))
  await run('mkdir', [join(dir, 'data')])
  await certificates(dir)
  const original = await readFile(conf, 'utf8')
  const tlsConf = original.split('\n').map((line) => {
    if (line.startsWith('pidfile ')) return `pidfile ${dir}/slapd.pid`
    if (line.startsWith('argsfile ')) return `argsfile ${dir}/slapd.args`
    if (line.startsWith('directory ')) return `directory ${dir}/data`
    if (line.startsWith('database ')) return `TLSCACertificateFile ${dir}/ca.pem\nTLSCertificateFile ${dir}/server.pem\nTLSCertificateKeyFile ${dir}/server.key\n\n${line}`
    return line
  }).join('\n')
  await writeFile(join(dir, 'slapd.conf'), tlsConf, { mode: 0o600 })
  const plainPort = await closedPort()
  const tlsPort = await closedPort()
  await run(join(binDir, 'slapd'), ['-f', join(dir, 'slapd.conf'), '-h', `ldap://127.0.0.1:${plainPort}/ ldaps://127.0.0.1:${tlsPort}/`])
  const pid = Number((await readFile(join(dir, 'slapd.pid'), 'utf8')).trim())
  const stop = async (): Promise<void> => {
    try { process.kill(pid, 'SIGTERM') } catch { /* already gone */ }
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50))
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await addBase(ldap, plainPort)
  } catch (error) {
    await stop()
    throw error
  }
  return { caPem: await readFile(join(dir, 'ca.pem'), 'utf8'), plainPort, tlsPort, bindDN: ldap.bindDN, bindPassword: ldap.bindPassword, baseDN: ldap.baseDN, stop }
}

async function certificates (dir: string): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  await run('openssl', ['req', '-x509', ...ec, '-keyout', `${dir}/ca.key`, '-out', `${dir}/ca.pem`, '-days', '2', '-subj', '/CN=behorig test CA'])
  await run('openssl', ['req', ...ec, '-keyout', `${dir}/server.key`, '-out', `${dir}/server.csr`, '-subj', '/CN=localhost'])
  await writeFile(`${dir}/san.ext`, 'subjectAltName=DNS:localhost\n')
  await run('openssl', ['x509', '-req', '-in', `${dir}/server.csr`, '-CA', `${dir}/ca.pem`, '-CAkey', `${dir}/ca.key`, '-CAcreateserial', '-out', `${dir}/server.pem`, '-days', '2', '-extfile', `${dir}/san.ext`])
}

/** The base entry and one person, added over StartTLS-less plain LDAP on the loopback. */
async function addBase (ldap: LdapSettings, port: number): Promise<void> {
  const client = new Client({ url: `ldap://127.0.0.1:${port}`, connectTimeout: 5000, timeout: 10000 })
  try {
    for (let i = 0; ; i++) {
      try {
        await client.bind(ldap.bindDN, ldap.bindPassword)
        break
      } catch (error) {
        if (i >= 40) throw error
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    await client.add(ldap.baseDN, { objectClass: ['dcObject', 'organization'], dc: 'exempel', o: 'exempel' })
    await client.add(`ou=people,${ldap.baseDN}`, { objectClass: ['top', 'organizationalUnit'], ou: 'people' })
    await client.add(`cn=Åsa Öberg,ou=people,${ldap.baseDN}`, { objectClass: ['inetOrgPerson'], cn: 'Åsa Öberg', sn: 'Öberg', employeeNumber: '100301' })
  } finally {
    await client.unbind()
  }
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
