import type { ProblemFieldError } from '../http/problem.js'
import type { OutboundPolicy } from '../net/outbound-policy.js'
import { directoryTarget } from './directory-target.js'
import type { LdapSourceConfig } from './ldap-source-config.js'

type Transport = Pick<LdapSourceConfig, 'url' | 'start_tls'>

/** ldaps://, or ldap:// upgraded with StartTLS before the bind. */
export function usesTls (config: Transport): boolean {
  return directoryTarget(config.url).secure || config.start_tls === true
}

/**
 * Plain ldap:// without StartTLS would send the bind password and the directory's personal
 * data in clear text: refused, at registration and again at connect time, unless the
 * exception list (BEHORIG_ALLOW_PRIVATE_FETCH) names the host.
 */
export function plaintextProblem (config: Transport, outbound: Pick<OutboundPolicy, 'excepts'>): ProblemFieldError | undefined {
  if (usesTls(config) || outbound.excepts(directoryTarget(config.url).host)) return undefined
  return { pointer: '/config/url', detail: 'plain ldap:// without start_tls sends the bind password and the directory\'s data in clear text: use ldaps://, or set start_tls: true' }
}
