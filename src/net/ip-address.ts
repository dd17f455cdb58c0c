import { isIP } from 'node:net'

/** An IP address as a number: 32 bits for IPv4, 128 for IPv6. */
export interface IpAddress { family: 4 | 6, value: bigint }

/** A network: an address and how many leading bits of it count. */
export interface IpNetwork { family: 4 | 6, value: bigint, prefix: number }

/** Parses an IPv4 or IPv6 literal (brackets and a zone id allowed); undefined when it is not one. */
export function parseIp (text: string): IpAddress | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '')
  const family = isIP(bare)
  if (family === 4) return { family: 4, value: ipv4Value(bare) }
  if (family === 6) return { family: 6, value: ipv6Value(bare) }
  return undefined
}

/** Parses `address/prefix`, or a single address (a /32 or /128); undefined when it is neither. */
export function parseNetwork (text: string): IpNetwork | undefined {
  const [addressText = '', prefixText, ...rest] = text.trim().split('/')
  const address = parseIp(addressText)
  if (!address || rest.length > 0) return undefined
  const bits = address.family === 4 ? 32 : 128
  if (prefixText === undefined) return { ...address, prefix: bits }
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined
  return { ...address, prefix: Number(prefixText) }
}

export function contains (network: IpNetwork, address: IpAddress): boolean {
  if (network.family !== address.family) return false
  const shift = BigInt((network.family === 4 ? 32 : 128) - network.prefix)
  return (network.value >> shift) === (address.value >> shift)
}

/** The IPv4 address held in bits `from`..`from + 32` of an IPv6 address (counted from the right). */
export function embeddedIpv4 (address: IpAddress, from = 0): IpAddress {
  return { family: 4, value: (address.value >> BigInt(from)) & 0xffffffffn }
}

function ipv4Value (text: string): bigint {
  return text.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n)
}

function ipv6Value (text: string): bigint {
  let body = text
  // A trailing dotted quad (::ffff:127.0.0.1) stands for the last two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(body)
  if (quad?.[1]) {
    const v4 = ipv4Value(quad[1])
    body = `${body.slice(0, -quad[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`
  }
  const [head = '', tail] = body.split('::')
  const headGroups = head === '' ? [] : head.split(':')
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n)
}
