import { ResultCodeError } from 'ldapts'
import { ProblemError } from '../http/problem.js'
import type { DirectoryTarget } from './directory-target.js'
import { isCertificateCode, networkReason } from '../net/network-reasons.js'
import { OutboundRefused } from '../net/outbound-errors.js'
import { SourceConfigInvalid } from '../sources/errors.js'
import { DirectoryBindRefused, DirectorySearchRefused, DirectoryTlsFailed, DirectoryUnavailable } from './errors.js'

export type DirectoryStep =
  | { step: 'StartTLS' }
  | { step: 'bind', bindDn: string }
  | { step: 'search', baseDn: string }

// LDAP result codes (RFC 4511 §4.1.9) that say "not now" rather than "not this".
const TRANSIENT_RESULTS = new Set([
  3 /* timeLimitExceeded */, 11 /* adminLimitExceeded */, 51 /* busy */, 52 /* unavailable */, 80 /* other */
])

/**
 * Turns what ldapts or Node throws into one of the directory problems, naming the
 * directory and the step. Never includes the bind password: only the bind DN, result
 * names and the server's diagnostic message (which servers do not fill with secrets).
 * Errors it does not recognise (bugs) are returned unchanged.
 */
export function directoryProblem (error: unknown, target: DirectoryTarget, at: DirectoryStep, timeoutMs: number): unknown {
  if (error instanceof ProblemError) return error
  if (!(error instanceof Error)) return error
  // The guard's lookup refused the address the name resolves to: the url must change.
  if (error instanceof OutboundRefused) return SourceConfigInvalid({ detail: `/config/url ${error.reason}`, errors: [{ pointer: '/config/url', detail: error.reason }], cause: error })
  const code = (error as { code?: unknown }).code
  if (error instanceof ResultCodeError) return resultProblem(error, target, at)
  if (typeof code === 'string' && isCertificateCode(code)) {
    const fix = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'Use the host name the certificate was issued for in url' : 'Give the issuing CA in ca_pem'
    return DirectoryTlsFailed({ detail: `The TLS certificate of the directory at ${target.address} was not accepted: ${error.message} (${code}). ${fix}, or fix the certificate.`, cause: error })
  }
  if (typeof code === 'string' && (code.startsWith('ERR_SSL_') || code === 'EPROTO')) {
    return DirectoryTlsFailed({ detail: `The TLS handshake with the directory at ${target.address} failed (${code}); does port ${target.port} speak ${target.secure ? 'ldaps' : 'StartTLS'}?`, cause: error })
  }
  const reason = typeof code === 'string' ? connectionReason(code, target) : timeoutReason(error.message, at, timeoutMs)
  if (reason === undefined) return error
  return DirectoryUnavailable({ detail: `The directory at ${target.address} is unavailable: ${reason}`, cause: error })
}

function resultProblem (error: ResultCodeError, target: DirectoryTarget, at: DirectoryStep): ProblemError {
  const said = serverMessage(error)
  if (at.step === 'bind' && !TRANSIENT_RESULTS.has(error.code)) {
    const why = error.code === 49 ? 'invalid credentials (wrong password, or the account is unknown, disabled or locked)' : resultName(error)
    return DirectoryBindRefused({ detail: `The directory at ${target.address} refused the bind as "${at.bindDn}": ${why}${said}`, cause: error })
  }
  if (at.step === 'StartTLS' && !TRANSIENT_RESULTS.has(error.code)) {
    return DirectoryTlsFailed({ detail: `The directory at ${target.address} refused StartTLS: ${resultName(error)}${said}. Use ldaps://, or enable TLS on the server.`, cause: error })
  }
  if (TRANSIENT_RESULTS.has(error.code)) {
    return DirectoryUnavailable({ detail: `The directory at ${target.address} is unavailable: ${resultName(error)} in answer to the ${at.step}${said}`, cause: error })
  }
  const where = at.step === 'search' ? ` under ${at.baseDn}` : ''
  const why = error.code === 32
    ? 'the base DN does not exist'
    : error.code === 4 ? 'the server\'s size limit for the service account is below the result (raise it, or lower page_size)' : resultName(error)
  return DirectorySearchRefused({ detail: `The directory at ${target.address} refused the ${at.step}${where}: ${why}${said}`, cause: error })
}

function connectionReason (code: string, target: DirectoryTarget): string | undefined {
  const reason = networkReason(code)
  // A plain LDAP server resets a TLS hello: say so when that is the likely cause.
  return reason && code === 'ECONNRESET' && target.secure ? `${reason} (is port ${target.port} an ldaps port?)` : reason
}

function timeoutReason (message: string, at: DirectoryStep, timeoutMs: number): string | undefined {
  if (message === 'Connection timeout') return `no connection within ${timeoutMs / 1000} s`
  if (message.endsWith('Operation timed out')) return `no answer to the ${at.step} within ${timeoutMs / 1000} s`
  if (message.startsWith('Connection closed') || message.startsWith('Socket error')) return `connection closed during the ${at.step}`
  return undefined
}

// RFC 4511 §4.1.9 names of the results a reader meets, which admins know and search for.
const RESULT_NAMES: Record<number, string> = {
  2: 'protocolError',
  3: 'timeLimitExceeded',
  4: 'sizeLimitExceeded',
  8: 'strongerAuthRequired',
  11: 'adminLimitExceeded',
  13: 'confidentialityRequired',
  32: 'noSuchObject',
  34: 'invalidDNSyntax',
  48: 'inappropriateAuthentication',
  49: 'invalidCredentials',
  50: 'insufficientAccessRights',
  51: 'busy',
  52: 'unavailable',
  53: 'unwillingToPerform',
  80: 'other'
}

/** `invalidCredentials (49)`; for codes not listed, from ldapts' class name. */
function resultName (error: ResultCodeError): string {
  const fromClass = error.name.replace(/Error$/, '')
  return `${RESULT_NAMES[error.code] ?? fromClass.charAt(0).toLowerCase() + fromClass.slice(1)} (${error.code})`
}

function serverMessage (error: ResultCodeError): string {
  const text = error.message.replace(/\s*Code: 0x[0-9a-f]+$/, '').trim()
  return text ? `; the server said: ${text}` : ''
}
