import { outboundPolicy, type OutboundPolicy, type OutboundPolicyOptions } from './outbound-policy.js'
import { outboundFetch, type OutboundFetch } from './outbound-fetch.js'
import type { Logger } from '../log/logger.js'

/**
 * The one way out of the service: every outbound HTTP fetch (get, open) and directory
 * connection (checkAddress, lookup, excepts) goes through a guard built from the
 * configuration's exception list. See docs/security.md, "Outbound fetches".
 */
export type OutboundGuard = OutboundPolicy & OutboundFetch

export function outboundGuard (options: OutboundPolicyOptions & { log?: Pick<Logger, 'warn'> } = {}): OutboundGuard {
  const policy = outboundPolicy(options)
  return { ...policy, ...outboundFetch(policy, options.log) }
}
