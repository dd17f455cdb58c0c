import { outboundGuard } from '../../src/net/outbound-guard.js'

/**
 * The tests' servers (slapd, HTTPS key and HR servers) listen on loopback, which the
 * outbound guard refuses: tests name them as exceptions, as an operator of a closed network
 * would with BEHORIG_ALLOW_PRIVATE_FETCH. An external LDAP_URL's host is named too.
 */
const ldapHost = process.env['LDAP_URL'] ? new URL(process.env['LDAP_URL']).hostname : undefined
export const LOOPBACK_EXCEPTIONS = ['127.0.0.1', '::1', 'localhost', ...(ldapHost ? [ldapHost] : [])]

/** The environment entry for buildTestApp / testConfig. */
export const allowLoopbackFetch = { BEHORIG_ALLOW_PRIVATE_FETCH: LOOPBACK_EXCEPTIONS.join(',') }

/** A guard with those exceptions, for tests that read a directory or fetch without an app. */
export const loopbackGuard = outboundGuard({ allowPrivate: LOOPBACK_EXCEPTIONS })
