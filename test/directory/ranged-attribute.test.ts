import t from 'tap'
import { attributePart, parseRangedName, readAllValues } from '../../src/directory/ranged-attribute.js'
import type { EntryValue } from '../../src/directory/entry-values.js'

t.test('parses range options on attribute names', async (t) => {
  t.same(parseRangedName('member;range=0-1499'), { attribute: 'member', start: 0, end: 1499 })
  t.same(parseRangedName('member;range=1500-*'), { attribute: 'member', start: 1500, end: null })
  t.same(parseRangedName('Member;Range=3000-4499'), { attribute: 'Member', start: 3000, end: 4499 })
  t.same(parseRangedName('member;binary;range=0-9'), { attribute: 'member', start: 0, end: 9 })
  for (const plain of ['member', 'member;range=', 'member;range=a-b', 'member;range=5', 'cn;lang-sv']) t.equal(parseRangedName(plain), null, plain)
})

t.test('finds an attribute whole or as one range', async (t) => {
  t.same(attributePart(new Map([['member', ['a', 'b']]]), 'member'), { values: ['a', 'b'], range: null })
  t.same(attributePart(new Map([['member', []], ['member;range=0-1', ['a', 'b']]]), 'MEMBER'), { values: ['a', 'b'], range: { attribute: 'member', start: 0, end: 1 } })
  t.same(attributePart(new Map(), 'member'), { values: [], range: null })
})

/**
 * A stand-in for AD's answers to `member;range=<start>-*` reads of one group whose members
 * are `total` DNs, `pageSize` per answer (AD's MaxValRange). Records what was asked.
 */
function rangedGroup (total: number, pageSize: number): { first: ReturnType<typeof attributePart>, asked: string[], fetch: (request: string) => Promise<Map<string, EntryValue[]>> } {
  const all = Array.from({ length: total }, (_, i) => `cn=user${i},dc=x`)
  const answer = (start: number): Map<string, EntryValue[]> => {
    const end = start + pageSize - 1
    const last = end >= total - 1
    return new Map([[`member;range=${start}-${last ? '*' : end}`, all.slice(start, last ? total : end + 1)]])
  }
  const asked: string[] = []
  return {
    first: attributePart(answer(0), 'member'),
    asked,
    fetch: async (request) => {
      asked.push(request)
      return answer(Number(/range=(\d+)-\*$/.exec(request)?.[1]))
    }
  }
}

t.test('fetches the following ranges until one ends in *', async (t) => {
  const group = rangedGroup(3500, 1500)
  const values = await readAllValues('member', group.first, group.fetch)
  t.equal(values.length, 3500)
  t.equal(new Set(values).size, 3500)
  t.same(group.asked, ['member;range=1500-*', 'member;range=3000-*'])
})

t.test('asks nothing more when the attribute came whole or the first range is the last', async (t) => {
  const asked: string[] = []
  const fetch = async (request: string): Promise<Map<string, EntryValue[]>> => { asked.push(request); return new Map() }
  t.same(await readAllValues('member', { values: ['a'], range: null }, fetch), ['a'])
  const small = rangedGroup(10, 1500)
  t.equal((await readAllValues('member', small.first, fetch)).length, 10)
  t.same(asked, [])
})

t.test('an exact multiple of the range size ends with an empty last range', async (t) => {
  const asked: string[] = []
  const fetch = async (request: string): Promise<Map<string, EntryValue[]>> => {
    asked.push(request)
    return new Map([['member;range=4-*', []]])
  }
  const values = await readAllValues('member', { values: ['a', 'b', 'c', 'd'], range: { attribute: 'member', start: 0, end: 3 } }, fetch)
  t.same(values, ['a', 'b', 'c', 'd'])
  t.same(asked, ['member;range=4-*'])
})

t.test('an answer that does not continue the ranges stops the loop with an error', async (t) => {
  const first = { values: ['a'], range: { attribute: 'member', start: 0, end: 0 } }
  await t.rejects(readAllValues('member', first, async () => new Map([['member;range=0-0', ['a']]])), /asked from 1, got 0-0/)
  await t.rejects(readAllValues('member', first, async () => new Map([['member', ['b']]])), /asked from 1, got no range/)
  await t.rejects(readAllValues('member', first, async () => new Map([['member;range=1-0', []]])), /asked from 1, got 1-0/)
})
