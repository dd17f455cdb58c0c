import t from 'tap'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { encodeStatusList, STATUS_LIST_MEDIA_TYPE } from '../../src/tokens/status-list.js'
import { decodeStatusList, statusAt, withStatus } from '../helpers/status-list.js'
import { statusListRepository } from '../../src/tokens/status-list-repository.js'
import { statusListService } from '../../src/tokens/status-list-service.js'
import { ProblemError } from '../../src/http/problem.js'
import { problemType } from '../helpers/problem-type.js'

// draft-ietf-oauth-status-list §4.1: 16 statuses of 1 bit.
const EXAMPLE_BYTES = [0xb9, 0xa3]
const EXAMPLE_LST = 'eNrbuRgAAhcBXQ'
const EXAMPLE_STATUSES = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]

// draft-ietf-oauth-status-list, appendix "Test vectors for Status List encoding", 1-bit list of 2^20 entries.
const VECTOR_SIZE = 2 ** 20
const VECTOR_SET = [0, 1993, 25460, 159495, 495669, 554353, 645645, 723232, 854545, 934534, 1000345]
const VECTOR_LST = 'eNrt3AENwCAMAEGogklACtKQPg9LugC9k_ACvreiogEAAKkeCQAAAAAAAAAAAAAAAAAAAIBylgQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAXG9IAAAAAAAAAPwsJAAAAAAAAAAAAAAAvhsSAAAAAAAAAAAA7KpLAAAAAAAAAAAAAAAAAAAAAJsLCQAAAAAAAAAAADjelAAAAAAAAAAAKjDMAQAAAACAZC8L2AEb'

t.test('encodes the draft\'s 1-bit example exactly', async (t) => {
  let bytes: Buffer = Buffer.alloc(2)
  EXAMPLE_STATUSES.forEach((status, index) => { bytes = withStatus(bytes, index, status) })
  t.same([...bytes], EXAMPLE_BYTES, 'least significant bit first')
  t.equal(encodeStatusList(bytes), EXAMPLE_LST)
  t.same([...decodeStatusList(EXAMPLE_LST)], EXAMPLE_BYTES)
})

t.test('reads and writes the draft\'s 2^20-entry 1-bit test vector', async (t) => {
  const decoded = decodeStatusList(VECTOR_LST)
  t.equal(decoded.length * 8, VECTOR_SIZE)
  for (const index of VECTOR_SET) t.equal(statusAt(decoded, index), 1, `status[${index}] = 1`)
  let set = 0
  for (let i = 0; i < VECTOR_SIZE; i++) set += statusAt(decoded, i)
  t.equal(set, VECTOR_SET.length, 'no other status is set')

  let ours: Buffer = Buffer.alloc(VECTOR_SIZE / 8)
  for (const index of VECTOR_SET) ours = withStatus(ours, index, 1)
  t.ok(ours.equals(decoded), 'the same list built here is byte-for-byte the vector')
  t.ok(decodeStatusList(encodeStatusList(ours)).equals(decoded), 'and our lst decodes to it (DEFLATE output may differ between zlib builds)')
})

t.test('statusAt refuses an index outside the list', async (t) => {
  t.throws(() => statusAt(Buffer.alloc(2), 16), RangeError)
  t.throws(() => statusAt(Buffer.alloc(2), -1), RangeError)
})

const ISSUER = 'https://behorig.test'
const store = await openTestStore()
const { app } = await buildTestApp(store, { BEHORIG_ISSUER: ISSUER })

t.test('indices are never handed out twice, across processes and lists', async (t) => {
  const keys = app.behorig.tokenServices.keys
  const lists = statusListRepository(store.db)
  const processes = [1, 2, 3].map(() => statusListService({ lists, keys, issuer: ISSUER }, { listSize: 64, blockSize: 16 }))
  const refs = await Promise.all(Array.from({ length: 300 }, (_, i) => (processes[i % 3] as typeof processes[number]).allocate()))
  const seen = new Set(refs.map((r) => `${r.listId}/${r.idx}`))
  t.equal(seen.size, refs.length, 'all distinct')
  t.ok(new Set(refs.map((r) => r.listId)).size >= 5, 'full lists were followed by new ones')
  t.ok(refs.every((r) => r.idx >= 0 && r.idx < 64 && r.uri === `${ISSUER}/status-lists/${r.listId}`))
  const later = statusListService({ lists, keys, issuer: ISSUER }, { listSize: 64, blockSize: 16 })
  const fresh = await later.allocate()
  t.notOk(seen.has(`${fresh.listId}/${fresh.idx}`), 'a process started later does not reuse them')
})

t.test('the next block is reserved before this one runs out, so allocation does not wait for it', async (t) => {
  const keys = app.behorig.tokenServices.keys
  const real = statusListRepository(store.db)
  const reservations: Array<Promise<unknown>> = []
  const lists = { ...real, reserve: (count: number, size: number) => { const r = real.reserve(count, size); reservations.push(r); return r } }
  const service = statusListService({ lists, keys, issuer: ISSUER }, { listSize: 1024, blockSize: 16 })
  const first = await service.allocate()
  t.equal(reservations.length, 1, 'the first call reserves a block')
  for (let i = 1; i < 12; i++) await service.allocate()
  t.equal(reservations.length, 1, 'no second reservation while more than a quarter of the block is left')
  const handedOut = [first]
  handedOut.push(await service.allocate()) // 13th: 3 left, a quarter of 16 or fewer
  t.equal(reservations.length, 2, 'the next block is asked for in the background')
  await Promise.all(reservations)
  for (let i = 0; i < 40; i++) handedOut.push(await service.allocate())
  t.equal(reservations.length, 4, 'one reservation per block, never two at once')
  t.equal(new Set(handedOut.map((r) => `${r.listId}/${r.idx}`)).size, handedOut.length, 'all distinct')
})

t.test('a reservation that fails in the background is retried, and only a caller left waiting sees the error', async (t) => {
  const keys = app.behorig.tokenServices.keys
  const real = statusListRepository(store.db)
  let failNext = false
  const lists = { ...real, reserve: async (count: number, size: number) => { if (failNext) { failNext = false; throw new Error('store unavailable') } return real.reserve(count, size) } }
  const service = statusListService({ lists, keys, issuer: ISSUER }, { listSize: 1024, blockSize: 8 })
  for (let i = 0; i < 5; i++) await service.allocate() // 3 left: the background refill is due next
  failNext = true
  const refs = [await service.allocate(), await service.allocate(), await service.allocate()]
  t.equal(failNext, false, 'the background reservation was made, and failed')
  t.equal(refs.length, 3, 'the block in hand is still handed out while its refill failed')
  t.ok((await service.allocate()).idx >= 0, 'the next call reserves again, and succeeds')
  failNext = true
  const drained = statusListService({ lists, keys, issuer: ISSUER }, { listSize: 1024, blockSize: 8 })
  await t.rejects(drained.allocate(), /store unavailable/, 'with nothing in hand, the caller gets the failure')
  t.ok((await drained.allocate()).idx >= 0, 'and the call after it reserves afresh')
})

t.test('a status can only be set for an index that was handed out', async (t) => {
  const statusLists = app.behorig.tokenServices.statusLists
  const ref = await statusLists.allocate()
  for (const [listId, idx] of [[ref.listId, 131_071], [ref.listId, -1], [999_999, 0]] as const) {
    const error = await statusLists.setStatus(listId, idx, true).then(() => undefined, (e: unknown) => e)
    t.ok(error instanceof ProblemError && error.definition.slug === 'unknown-status-index', `${listId}/${idx} refused`)
  }
})

t.test('a status set and unset shows in the signed list at GET /status-lists/{id}', async (t) => {
  const statusLists = app.behorig.tokenServices.statusLists
  const ref = await statusLists.allocate()
  const jwks = createLocalJWKSet((await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet)

  async function published () {
    const res = await app.inject({ method: 'GET', url: `/status-lists/${ref.listId}` })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], STATUS_LIST_MEDIA_TYPE)
    t.match(res.headers['cache-control'], /^public, max-age=\d+$/)
    const { payload, protectedHeader } = await jwtVerify(res.body, jwks, { typ: 'statuslist+jwt', subject: ref.uri, issuer: ISSUER })
    t.match(protectedHeader, { alg: 'ES256', typ: 'statuslist+jwt' })
    t.type(payload.iat, 'number')
    t.ok((payload.exp as number) - (payload.iat as number) <= 3600, 'expires before its signing key may be unpublished')
    t.type(payload['ttl'], 'number')
    const list = payload['status_list'] as { bits: number, lst: string }
    t.equal(list.bits, 1)
    return statusAt(decodeStatusList(list.lst), ref.idx)
  }

  t.equal(await published(), 0, 'valid when issued')
  await statusLists.setStatus(ref.listId, ref.idx, true)
  t.equal(await published(), 1, 'invalid once revoked')
  await statusLists.setStatus(ref.listId, ref.idx, false)
  t.equal(await published(), 0, 'valid again once unset')
  t.equal(ref.uri, `${ISSUER}/status-lists/${ref.listId}`, 'the uri a token carries is the list\'s address')
})

t.test('an unknown status list is a 404 problem', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/status-lists/424242' })
  t.equal(res.statusCode, 404)
  t.equal(res.json().type, problemType('unknown-status-list', ISSUER))
  t.equal((await app.inject({ method: 'GET', url: '/status-lists/abc' })).statusCode, 400)
})
