import t from 'tap'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { outboundGuard } from '../../src/net/outbound-guard.js'
import { parseExceptions, type Resolver } from '../../src/net/outbound-policy.js'
import { OutboundFailed } from '../../src/net/outbound-errors.js'
import { selfSignedCertificate } from '../helpers/self-signed-certificate.js'

// A key server on loopback, reached as keys.test, localhost or 127.0.0.1 (all in its certificate).
const { key, cert: ca } = selfSignedCertificate(t, 'keys.test', 'DNS:keys.test,DNS:localhost,IP:127.0.0.1')
const requests: Record<string, number> = {}
const authorizationSeen: Array<string | undefined> = []
let port = 0
const server: Server = createServer({ key, cert: ca }, (req, res) => {
  const path = req.url ?? ''
  requests[path] = (requests[path] ?? 0) + 1
  const hop = /^\/hop\/(\d+)$/.exec(path)
  if (path === '/doc') res.writeHead(200).end('{"keys":[]}')
  else if (hop) res.writeHead(302, { location: Number(hop[1]) > 0 ? `/hop/${Number(hop[1]) - 1}` : '/doc' }).end()
  else if (path === '/to-http') res.writeHead(301, { location: `http://127.0.0.1:${port}/doc` }).end()
  else if (path === '/to-private') res.writeHead(307, { location: 'https://10.0.0.7/doc' }).end()
  else if (path === '/to-metadata-name') res.writeHead(302, { location: `https://metadata.test:${port}/doc` }).end()
  else if (path === '/to-other-origin') res.writeHead(302, { location: `https://localhost:${port}/echo` }).end()
  else if (path === '/echo') { authorizationSeen.push(req.headers.authorization); res.writeHead(200).end('{}') } else if (path === '/drip') { res.writeHead(200); const timer = setInterval(() => res.write(' '), 50); res.on('close', () => clearInterval(timer)) } else if (path === '/big') res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000))
  else if (path === '/big-chunked') { res.writeHead(200); res.write('x'.repeat(3000)); res.end('x'.repeat(3000)) } else if (path === '/shared') setTimeout(() => res.writeHead(200).end('{"keys":[]}'), 100)
  else res.writeHead(404).end()
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
port = (server.address() as AddressInfo).port
t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))

/** A DNS of the test's own: which names resolve to what. */
const names: Record<string, string[]> = {
  'keys.test': ['127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
  'mixed.test': ['93.184.215.14', '10.0.0.1'],
  'unique-local.test': ['fd00:ec2::254'],
  'mapped.test': ['::ffff:127.0.0.1']
}
let lookups = 0
const resolve: Resolver = async (host) => {
  lookups++
  const found = names[host]
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
}
const base = { deadlineMs: 5000, maxBytes: 65_536, ca }
const text = (body: Buffer): string => body.toString('utf8')
const strict = outboundGuard({ resolve })
const allowingLoopback = outboundGuard({ resolve, allowPrivate: ['127.0.0.0/8'] })

t.test('refuses every non-public address class, literally written', async (t) => {
  const refused: Array<[string, string]> = [
    ['0.0.0.0', 'this-network'], ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'], ['127.0.0.1', 'loopback'], ['127.1.2.3', 'loopback'], ['169.254.169.254', 'link-local'],
    ['192.0.0.8', 'IETF protocol assignments'], ['198.18.0.1', 'benchmarking'], ['198.19.255.255', 'benchmarking'],
    ['192.0.2.1', 'documentation'], ['224.0.0.1', 'multicast'], ['240.0.0.1', 'reserved'], ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'], ['::1', 'loopback'], ['[::1]', 'loopback'], ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'], ['::ffff:10.0.0.1', 'private'], ['64:ff9b::a00:1', 'private'], ['64:ff9b::127.0.0.1', 'loopback'],
    ['2002:a9fe:a9fe::', 'link-local'], ['fc00::1', 'unique-local'], ['fd00:ec2::254', 'unique-local'], ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'], ['fec0::1', 'site-local'], ['ff02::1', 'multicast'], ['::127.0.0.1', 'IPv4-compatible'],
    ['2001:db8::1', 'documentation'], ['100::1', 'discard-only'], ['4000::1', 'reserved']
  ]
  for (const [address, kind] of refused) {
    t.throws(() => strict.checkAddress(address, address), { name: 'OutboundRefused', reason: `the host is a ${kind} address, which outbound connections may not reach` }, address)
  }
  for (const address of ['8.8.8.8', '93.184.215.14', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::808:808', '2a00:1450:4001:80e::200e']) {
    t.doesNotThrow(() => strict.checkAddress(address, address), `${address} is public`)
  }
})

t.test('a URL that names a non-public address is refused before any connection', async (t) => {
  const before = { ...requests }
  for (const url of [`https://127.0.0.1:${port}/doc`, `https://[::1]:${port}/doc`, `https://[::ffff:127.0.0.1]:${port}/doc`, `https://2130706433:${port}/doc`, `https://0x7f.1:${port}/doc`]) {
    await t.rejects(strict.get(url, base, text), { name: 'OutboundRefused', reason: /loopback address/ }, url)
  }
  t.same(requests, before, 'the server saw nothing')
})

t.test('a name is judged by every address it resolves to, and the connection goes to the address judged', async (t) => {
  const before = { ...requests }
  await t.rejects(strict.get(`https://keys.test:${port}/doc`, base, text), { name: 'OutboundRefused', reason: 'the host resolves to a loopback address, which outbound connections may not reach' })
  await t.rejects(strict.get(`https://metadata.test:${port}/doc`, base, text), { name: /^Outbound/, reason: /link-local/ })
  await t.rejects(strict.get(`https://mixed.test:${port}/doc`, base, text), { name: /^Outbound/, reason: /private/ }, 'one private address among public ones is enough')
  await t.rejects(strict.get(`https://unique-local.test:${port}/doc`, base, text), { name: /^Outbound/, reason: /unique-local/ })
  await t.rejects(strict.get(`https://mapped.test:${port}/doc`, base, text), { name: /^Outbound/, reason: /loopback/ })
  await t.rejects(outboundGuard().get(`https://localhost:${port}/doc`, base, text), { name: /^Outbound/, reason: /resolves to a loopback address/ }, 'the system resolver, too')
  t.same(requests, before, 'the server saw nothing')

  lookups = 0
  t.equal(await allowingLoopback.get(`https://keys.test:${port}/doc`, base, text), '{"keys":[]}', 'an excepted network is reached by name')
  t.equal(lookups, 1, 'the connection used the one lookup that was checked')
})

t.test('the exception list names hosts, addresses and networks, and nothing else', async (t) => {
  t.equal(await outboundGuard({ resolve, allowPrivate: ['KEYS.test.'] }).get(`https://keys.test:${port}/doc`, base, text), '{"keys":[]}', 'a host name')
  t.equal(await outboundGuard({ allowPrivate: ['127.0.0.1'] }).get(`https://127.0.0.1:${port}/doc`, base, text), '{"keys":[]}', 'an address')
  const v6 = outboundGuard({ allowPrivate: ['fd00::/8', '::1'] })
  t.doesNotThrow(() => v6.checkAddress('fd12::1', 'fd12::1'))
  t.doesNotThrow(() => v6.checkAddress('::1', '::1'))
  t.throws(() => v6.checkAddress('fe80::1', 'fe80::1'), { name: 'OutboundRefused', reason: /link-local/ }, 'only the networks named')
  t.doesNotThrow(() => outboundGuard({ allowPrivate: ['127.0.0.0/8'] }).checkAddress('::ffff:127.0.0.1', '::ffff:127.0.0.1'), 'an IPv4 network covers its mapped IPv6 form')
  t.ok(outboundGuard({ allowPrivate: ['dc1.intern'] }).excepts('DC1.intern'))
  t.notOk(outboundGuard({ allowPrivate: ['dc1.intern'] }).excepts('dc2.intern'))
  for (const bad of ['10.0.0.0/33', '10.0.0.0/8/8', 'http://x', '::1/129', 'a b', '*.intern']) t.throws(() => parseExceptions([bad]), RangeError, bad)
})

t.test('only https is fetched', async (t) => {
  await t.rejects(allowingLoopback.get(`http://127.0.0.1:${port}/doc`, base, text), { name: 'OutboundRefused', reason: 'the URL is not https' })
})

t.test('redirects: at most three, each checked again, never to http, credentials kept to their origin', async (t) => {
  const follow = { ...base, followRedirects: true }
  t.equal(await allowingLoopback.get(`https://127.0.0.1:${port}/hop/2`, follow, text), '{"keys":[]}', 'three redirects are followed')
  await t.rejects(allowingLoopback.get(`https://127.0.0.1:${port}/hop/3`, follow, text), { name: 'OutboundRefused', reason: 'it redirected more than 3 times' })
  await t.rejects(allowingLoopback.get(`https://127.0.0.1:${port}/to-http`, follow, text), { name: 'OutboundRefused', reason: 'it redirected to a URL that is not https' })
  await t.rejects(allowingLoopback.get(`https://127.0.0.1:${port}/to-private`, follow, text), { name: 'OutboundRefused', reason: /private address/ })
  await t.rejects(allowingLoopback.get(`https://127.0.0.1:${port}/to-metadata-name`, follow, text), { name: 'OutboundRefused', reason: /resolves to a link-local address/ })
  await t.rejects(allowingLoopback.get(`https://127.0.0.1:${port}/hop/0`, base, text), { name: /^Outbound/, reason: 'it answered 302' }, 'not followed unless asked for')

  const withToken = { ...follow, headers: { authorization: 'Bearer for-the-first-origin' } }
  await outboundGuard({ resolve: async () => [{ address: '127.0.0.1', family: 4 }], allowPrivate: ['127.0.0.1'] }).get(`https://127.0.0.1:${port}/to-other-origin`, withToken, text)
  t.same(authorizationSeen, [undefined], 'the bearer token did not follow to another origin')
})

t.test('one deadline covers the whole fetch, however slowly the bytes drip', async (t) => {
  const dripping = allowingLoopback.get(`https://127.0.0.1:${port}/drip`, { ...base, deadlineMs: 300 }, text)
  await t.rejects(dripping, { name: 'OutboundFailed', reason: 'it took longer than 0.3 s' })
  const streamed = await allowingLoopback.open(`https://127.0.0.1:${port}/drip`, { ...base, deadlineMs: 300 })
  await t.rejects(async () => { for await (const _chunk of streamed.body) { /* read on */ } }, { name: /^Outbound/, reason: 'it took longer than 0.3 s' }, 'a streamed body, too')
})

t.test('a body larger than the limit is refused, declared or not', async (t) => {
  const small = { ...base, maxBytes: 1000 }
  await t.rejects(allowingLoopback.get(`https://127.0.0.1:${port}/big`, small, text), { name: /^Outbound/, reason: 'it sent more than 1000 bytes' })
  await t.rejects(allowingLoopback.get(`https://127.0.0.1:${port}/big-chunked`, small, text), { name: /^Outbound/, reason: 'it sent more than 1000 bytes' })
  const streamed = await allowingLoopback.open(`https://127.0.0.1:${port}/big-chunked`, small)
  await t.rejects(async () => { for await (const _chunk of streamed.body) { /* read on */ } }, { name: /^Outbound/, reason: 'it sent more than 1000 bytes' })
})

t.test('concurrent fetches of one URL share one request', async (t) => {
  const before = requests['/shared'] ?? 0
  const bodies = await Promise.all(Array.from({ length: 5 }, () => allowingLoopback.get(`https://127.0.0.1:${port}/shared`, base, text)))
  t.same(bodies, Array(5).fill('{"keys":[]}'))
  t.equal((requests['/shared'] ?? 0) - before, 1, 'five callers, one request')
  await allowingLoopback.get(`https://127.0.0.1:${port}/shared`, base, text)
  t.equal((requests['/shared'] ?? 0) - before, 2, 'a later call fetches again: sharing is not caching')
})

t.test('failures carry a reason without addresses; the detail goes to the log', async (t) => {
  const warnings: Array<{ detail: string, reason: string }> = []
  const guard = outboundGuard({ log: { warn: (o) => { warnings.push(o as { detail: string, reason: string }) } } })
  const failure = await guard.get(`https://127.0.0.1:${port}/doc`, base, text).catch((error: unknown) => error)
  t.type(failure, OutboundFailed)
  t.notMatch((failure as OutboundFailed).reason, /127\.0\.0\.1|\d{4,5}/)
  t.match(warnings, [{ reason: (failure as OutboundFailed).reason, detail: /127\.0\.0\.1/ }])

  const closedPort = outboundGuard({ allowPrivate: ['127.0.0.1'] })
  await t.rejects(closedPort.get('https://127.0.0.1:1/doc', base, text), { name: /^Outbound/, reason: 'connection refused' })
  const { ca: _privateCa, ...systemCas } = base
  await t.rejects(closedPort.get(`https://127.0.0.1:${port}/doc`, systemCas, text), { name: /^Outbound/, reason: 'its TLS certificate is not trusted' })
  await t.rejects(allowingLoopback.get(`https://127.0.0.1:${port}/doc`, base, () => { throw new Error('not JSON') }), { name: /^Outbound/, reason: 'it did not send a usable document' })
})
