import { connect, isIP } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import { Client } from 'ldapts'
import type { OutboundPolicy } from '../net/outbound-policy.js'
import { OutboundRefused } from '../net/outbound-errors.js'
import { SourceConfigInvalid } from '../sources/errors.js'
import { plaintextProblem } from './ldap-transport.js'
import type { LdapSourceConfig } from './ldap-source-config.js'
import { directoryTarget, type DirectoryTarget } from './directory-target.js'
import { directoryProblem, type DirectoryStep } from './directory-problem.js'
import { DirectoryBindRefused } from './errors.js'

type SessionSettings = Pick<LdapSourceConfig, 'url' | 'start_tls' | 'ca_pem' | 'bind_dn' | 'bind_password' | 'timeout_seconds'>

/** What a directory connection needs of the outbound guard. */
export type DirectoryGuard = Pick<OutboundPolicy, 'checkHost' | 'lookup' | 'excepts'>

/** A bound connection to the directory. Always `close()` it (in a `finally`). */
export interface DirectorySession {
  client: Client
  target: DirectoryTarget
  timeoutMs: number
  /** Runs an operation, turning failures into directory problems that name `step`. */
  run <T>(step: DirectoryStep, operation: () => Promise<T>): Promise<T>
  close (): Promise<void>
}

/**
 * Connects (ldaps://, or ldap:// upgraded with StartTLS when start_tls is set), checks the
 * server certificate against ca_pem or the system's CAs, and binds as bind_dn (without it:
 * anonymously). The outbound guard decides where it may connect (public addresses, or the
 * exception list) and whether plain ldap:// is allowed; the socket goes to the address it
 * checked. timeout_seconds limits the connect, the TLS handshake and every operation (each
 * search page is one). Failures are directory problems; the password appears in none.
 */
export async function openDirectory (config: SessionSettings, outbound: DirectoryGuard, signal?: AbortSignal): Promise<DirectorySession> {
  const target = directoryTarget(config.url)
  const timeoutMs = config.timeout_seconds * 1000
  refuseUnguarded(config, target, outbound)
  if (config.bind_dn !== undefined && !config.bind_password) {
    // An empty password is an "unauthenticated bind" (RFC 4513 §5.1.2) that some servers
    // accept as anonymous: refuse it rather than read the directory as nobody.
    throw DirectoryBindRefused(`No password is set for the bind DN "${config.bind_dn}" of the directory at ${target.address}`)
  }
  const tls = tlsOptions(target, config.ca_pem)
  // ldapts treats any tlsOptions as "connect with TLS", so ldap:// gets them only at StartTLS.
  const client = new Client({
    url: config.url,
    connectTimeout: timeoutMs,
    timeout: timeoutMs,
    ...(target.secure
      ? { tlsOptions: { ...tls, lookup: outbound.lookup } }
      : { createConnection: ((port: number, host: string) => connect({ port, host, lookup: outbound.lookup })) as typeof connect })
  })
  const close = async (): Promise<void> => { await client.unbind().catch(() => undefined) }
  const onAbort = (): void => { void close() }
  signal?.addEventListener('abort', onAbort, { once: true })
  const run = async <T>(step: DirectoryStep, operation: () => Promise<T>): Promise<T> => {
    signal?.throwIfAborted()
    try {
      return await operation()
    } catch (error) {
      // Aborting closes the connection; report the abort, not the closed connection.
      signal?.throwIfAborted()
      throw directoryProblem(error, target, step, timeoutMs)
    }
  }
  try {
    if (config.start_tls) await run({ step: 'StartTLS' }, () => withTimeout(client.startTLS(tls), timeoutMs, close))
    if (config.bind_dn !== undefined) {
      const bindDn = config.bind_dn
      await run({ step: 'bind', bindDn }, () => client.bind(bindDn, config.bind_password))
    }
  } catch (error) {
    signal?.removeEventListener('abort', onAbort)
    await close()
    throw error
  }
  return {
    client,
    target,
    timeoutMs,
    run,
    close: async () => {
      signal?.removeEventListener('abort', onAbort)
      await close()
    }
  }
}

/** Plain ldap:// without an exception, and literal addresses that are not public (names are checked by the lookup). */
function refuseUnguarded (config: SessionSettings, target: DirectoryTarget, outbound: DirectoryGuard): void {
  const plaintext = plaintextProblem(config, outbound)
  if (plaintext) throw SourceConfigInvalid({ detail: `/config/url ${plaintext.detail}`, errors: [plaintext] })
  try {
    outbound.checkHost(target.host)
  } catch (error) {
    if (!(error instanceof OutboundRefused)) throw error
    throw SourceConfigInvalid({ detail: `/config/url ${error.reason}`, errors: [{ pointer: '/config/url', detail: error.reason }] })
  }
}

/** Certificate checking is never turned off (rejectUnauthorized); ca_pem replaces the system's CAs. */
export function tlsOptions (target: DirectoryTarget, caPem: string | undefined): ConnectionOptions {
  return {
    host: target.host,
    // SNI takes host names only (RFC 6066 §3); an IP address is still checked against the certificate.
    ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
    rejectUnauthorized: true,
    ...(caPem ? { ca: caPem } : {})
  }
}

/** ldapts limits the StartTLS request but not the handshake after it. */
async function withTimeout<T> (promise: Promise<T>, ms: number, onTimeout: () => Promise<void>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      void onTimeout()
      reject(new Error('Operation timed out'))
    }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
