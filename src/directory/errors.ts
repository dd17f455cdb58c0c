import { defineProblem } from '../http/problem.js'

/**
 * The directory cannot be reached or stops answering: connection refused, host unknown,
 * connect or operation timeout, connection dropped, server busy. Names host:port. 502, so
 * the sync engine retries the run with backoff; nothing is applied.
 */
export const DirectoryUnavailable = defineProblem('directory-unavailable', 'The directory is unavailable', 502)

/**
 * The directory refused the bind: wrong password, unknown or locked service account, or a
 * server that wants TLS first. Names the bind DN, never the password. 422, not 5xx: the
 * sync engine does not retry 4xx problems, and retrying a wrong password would soon lock
 * the service account out (AD lockout policy).
 */
export const DirectoryBindRefused = defineProblem('directory-bind-refused', 'The directory refused the bind', 422)

/**
 * TLS with the directory could not be set up: its certificate is not signed by the
 * system's CAs or by ca_pem, has expired or names another host, the server does not offer
 * StartTLS, or the handshake failed (ldaps:// to a plain port). Nothing, not even the bind
 * DN, was sent. 502: fixed on the directory side or in the source config, after which the
 * next retry works.
 */
export const DirectoryTlsFailed = defineProblem('directory-tls-failed', 'TLS with the directory could not be established', 502)

/**
 * The directory answered but refused the search: base DN does not exist, the service
 * account may not read it, or an entry lacks the attribute configured as its unique id.
 * A config problem that waiting will not fix: 422.
 */
export const DirectorySearchRefused = defineProblem('directory-search-refused', 'The directory refused the search', 422)
