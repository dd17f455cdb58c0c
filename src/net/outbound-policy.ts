import { lookup as dnsLookup } from 'node:dns/promises'
import type { LookupFunction } from 'node:net'
import { contains, parseIp, parseNetwork, type IpAddress, type IpNetwork } from './ip-address.js'
import { carriedIpv4, nonPublicKind } from './special-addresses.js'
import { OutboundRefused } from './outbound-errors.js'

export interface ResolvedAddress { address: string, family: number }
/** Resolves a host name to all its addresses (default: the system resolver, /etc/hosts included). */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>

/**
 * Where outbound connections may go. Public addresses always; loopback, private, link-local
 * and the other non-public blocks only when the exception list (BEHORIG_ALLOW_PRIVATE_FETCH)
 * names the host or a network holding the address. Names are judged by every address they
 * resolve to, and the connection is made to the address judged (`lookup`), so a second DNS
 * answer cannot swap it.
 */
export interface OutboundPolicy {
  /** Throws OutboundRefused when `host`, resolved to `address`, may not be connected to. */
  checkAddress (host: string, address: string): void
  /** Checks a host that is a literal address now (Node connects to one without a lookup); a name is left to `lookup`. */
  checkHost (host: string): void
  /** For net/tls/https `lookup`: resolves, refuses the name if any address is refused, connects to the addresses checked. */
  lookup: LookupFunction
  /** Whether the exception list names this host (or, for a literal address, a network holding it): then a plain-text directory connection is allowed. */
  excepts (host: string): boolean
}

export interface OutboundPolicyOptions {
  /** Exception list entries: host names, addresses or CIDR networks (see parseExceptions). */
  allowPrivate?: readonly string[]
  resolve?: Resolver
}

const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true })

export function outboundPolicy (options: OutboundPolicyOptions = {}): OutboundPolicy {
  const { names, networks } = parseExceptions(options.allowPrivate ?? [])
  const resolve = options.resolve ?? systemResolver
  const inExceptedNetwork = (address: IpAddress): boolean => networks.some((n) => contains(n, address) || contains(n, carriedIpv4(address)))
  const excepts = (host: string): boolean => {
    const name = normalisedHost(host)
    const address = parseIp(name)
    return names.has(name) || (address !== undefined && inExceptedNetwork(address))
  }
  const checkAddress = (host: string, text: string): void => {
    const address = parseIp(text)
    if (!address) throw new OutboundRefused('the host has no IP address', `${host} resolved to "${text}", which is not an IP address`)
    const kind = nonPublicKind(address)
    if (kind === undefined || names.has(normalisedHost(host)) || inExceptedNetwork(address)) return
    const literal = parseIp(host) !== undefined
    throw new OutboundRefused(`the host ${literal ? 'is' : 'resolves to'} a ${kind} address, which outbound connections may not reach`,
      `${host}${literal ? '' : ` resolved to ${text}, which`} is a ${kind} address and not on BEHORIG_ALLOW_PRIVATE_FETCH`)
  }
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname).then((found) => {
      const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? found.filter((a) => a.family === lookupOptions.family) : found
      const first = wanted[0]
      if (!first) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname })
      for (const { address } of found) checkAddress(hostname, address)
      if (lookupOptions.all) (callback as (error: null, addresses: ResolvedAddress[]) => void)(null, wanted)
      else callback(null, first.address, first.family)
    }).catch((error: NodeJS.ErrnoException) => { callback(error, '', 0) })
  }
  const checkHost = (host: string): void => { if (parseIp(host)) checkAddress(host, host) }
  return { checkAddress, checkHost, lookup, excepts }
}

/**
 * Reads BEHORIG_ALLOW_PRIVATE_FETCH's entries: an IPv4 or IPv6 address or CIDR network, or a
 * host name. Throws naming the first entry that is neither.
 */
export function parseExceptions (entries: readonly string[]): { names: Set<string>, networks: IpNetwork[] } {
  const names = new Set<string>()
  const networks: IpNetwork[] = []
  for (const raw of entries) {
    const entry = raw.trim()
    if (entry === '') continue
    const network = parseNetwork(entry)
    if (network) networks.push(network)
    else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(entry)) names.add(normalisedHost(entry))
    else throw new RangeError(`"${entry}" is neither a host name nor an IP address or CIDR network`)
  }
  return { names, networks }
}

/** Lower case, without the brackets of an IPv6 literal or a trailing dot. */
export function normalisedHost (host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase()
}
