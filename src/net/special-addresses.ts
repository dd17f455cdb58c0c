import { contains, embeddedIpv4, parseNetwork, type IpAddress, type IpNetwork } from './ip-address.js'

/**
 * Address blocks an outbound connection may not reach: everything in the IANA IPv4 and
 * IPv6 special-purpose registries (RFC 6890) that is not globally reachable. Behind them
 * are the service's own host, cloud metadata endpoints (169.254.169.254, fd00:ec2::254)
 * and the internal network.
 */
const IPV4_BLOCKS: ReadonlyArray<[string, string]> = [
  ['0.0.0.0/8', 'this-network'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared (CGNAT)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', '6to4 relay'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved']
]

/** IPv6 is refused outside global unicast (2000::/3), and inside it these blocks. */
const IPV6_GLOBAL_UNICAST = network('2000::/3')
const IPV6_BLOCKS: ReadonlyArray<[string, string]> = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'IPv4-compatible'],
  ['64:ff9b:1::/48', 'local NAT64'],
  ['100::/64', 'discard-only'],
  ['2001::/23', 'IETF protocol assignments'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast']
]

/** IPv6 blocks that carry an IPv4 address, which is judged instead: [block, bit offset of the IPv4 address]. */
const IPV4_CARRIERS: ReadonlyArray<[IpNetwork, number]> = [
  [network('::ffff:0:0/96'), 0], // IPv4-mapped (RFC 4291 §2.5.5.2)
  [network('64:ff9b::/96'), 0], // NAT64 well-known prefix (RFC 6052)
  [network('2002::/16'), 80] // 6to4 (RFC 3056)
]

const v4Blocks = IPV4_BLOCKS.map(([cidr, name]) => [network(cidr), name] as const)
const v6Blocks = IPV6_BLOCKS.map(([cidr, name]) => [network(cidr), name] as const)

/** The kind of non-public address this is (`loopback`, `private`…), or undefined for a public one. */
export function nonPublicKind (address: IpAddress): string | undefined {
  if (address.family === 4) return v4Blocks.find(([block]) => contains(block, address))?.[1]
  const carrier = IPV4_CARRIERS.find(([block]) => contains(block, address))
  if (carrier) return nonPublicKind(embeddedIpv4(address, carrier[1]))
  const named = v6Blocks.find(([block]) => contains(block, address))?.[1]
  return named ?? (contains(IPV6_GLOBAL_UNICAST, address) ? undefined : 'reserved')
}

/** The address an IPv6 carrier holds, for matching IPv4 exceptions; other addresses unchanged. */
export function carriedIpv4 (address: IpAddress): IpAddress {
  if (address.family === 4) return address
  const carrier = IPV4_CARRIERS.find(([block]) => contains(block, address))
  return carrier ? embeddedIpv4(address, carrier[1]) : address
}

function network (cidr: string): IpNetwork {
  const parsed = parseNetwork(cidr)
  if (!parsed) throw new Error(`not a network: ${cidr}`)
  return parsed
}
