import t from 'tap'
import { ScimError } from '../../src/scim/scim-errors.js'
import { listResponse, paginate, parseListWindow, SCIM_DEFAULT_COUNT, SCIM_MAX_RESULTS } from '../../src/scim/scim-list.js'

const items = Array.from({ length: 7 }, (_, index) => ({ id: `u-${index + 1}` }))

t.test('defaults to the first page of the default size', async (t) => {
  t.same(parseListWindow({}), { startIndex: 1, count: SCIM_DEFAULT_COUNT, offset: 0 })
})

t.test('reads startIndex and count from numbers and query strings', async (t) => {
  t.same(parseListWindow({ startIndex: '3', count: '2' }), { startIndex: 3, count: 2, offset: 2 })
  t.same(parseListWindow({ startIndex: 11, count: 5 }), { startIndex: 11, count: 5, offset: 10 })
})

t.test('startIndex below 1 reads as 1, negative count as 0, count above maxResults as maxResults', async (t) => {
  t.same(parseListWindow({ startIndex: '0', count: '-4' }), { startIndex: 1, count: 0, offset: 0 })
  t.same(parseListWindow({ startIndex: -9 }).startIndex, 1)
  t.equal(parseListWindow({ count: 100000 }).count, SCIM_MAX_RESULTS)
  t.equal(parseListWindow({ count: 50 }, { defaultCount: 10, maxResults: 20 }).count, 20)
  t.equal(parseListWindow({}, { defaultCount: 10, maxResults: 20 }).count, 10)
})

t.test('refuses values that are not integers', async (t) => {
  for (const query of [{ count: 'ten' }, { startIndex: '1.5' }, { count: 2.5 }, { startIndex: true }]) {
    const error = t.throws(() => parseListWindow(query)) as unknown
    t.ok(error instanceof ScimError)
    t.match(error, { status: 400, scimType: 'invalidValue' })
  }
})

t.test('pages through results held in memory', async (t) => {
  t.same(paginate(items, parseListWindow({ startIndex: 1, count: 3 })), {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: 7,
    startIndex: 1,
    itemsPerPage: 3,
    Resources: [{ id: 'u-1' }, { id: 'u-2' }, { id: 'u-3' }]
  })
  t.same(paginate(items, parseListWindow({ startIndex: 6, count: 3 })).Resources, [{ id: 'u-6' }, { id: 'u-7' }])
  t.match(paginate(items, parseListWindow({ startIndex: 6, count: 3 })), { itemsPerPage: 2, startIndex: 6 })
  t.match(paginate(items, parseListWindow({ startIndex: 20 })), { totalResults: 7, itemsPerPage: 0, Resources: [] })
})

t.test('count 0 answers totalResults alone', async (t) => {
  t.match(paginate(items, parseListWindow({ count: 0 })), { totalResults: 7, itemsPerPage: 0, Resources: [] })
})

t.test('wraps a page the store already cut, never returning more than count', async (t) => {
  const window = parseListWindow({ startIndex: 4, count: 2 })
  t.same(listResponse(items.slice(3, 6), 7, window), {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: 7,
    startIndex: 4,
    itemsPerPage: 2,
    Resources: [{ id: 'u-4' }, { id: 'u-5' }]
  })
})
