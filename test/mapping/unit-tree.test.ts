import t from 'tap'
import { buildUnitTree } from '../../src/mapping/unit-tree.js'

const tree = buildUnitTree([
  { id: 'soc', parent_id: null, kind: 'forvaltning', name: 'Socialförvaltningen' },
  { id: 'soc-eb', parent_id: 'soc', kind: 'avdelning' },
  { id: 'soc-eb-norr', parent_id: 'soc-eb', kind: 'enhet', name: 'Ekonomiskt bistånd norr' },
  { id: 'soc-bu', parent_id: 'soc', kind: null }
])

t.test('a unit is within itself, its parent and every ancestor', async (t) => {
  t.ok(tree.isWithin('soc-eb-norr', 'soc-eb-norr'))
  t.ok(tree.isWithin('soc-eb-norr', 'soc-eb'))
  t.ok(tree.isWithin('soc-eb-norr', 'soc'))
})

t.test('a unit is not within a sibling, a descendant or an unrelated unit', async (t) => {
  t.notOk(tree.isWithin('soc-eb-norr', 'soc-bu'))
  t.notOk(tree.isWithin('soc', 'soc-eb'))
  t.notOk(tree.isWithin('soc-eb', 'vof'))
})

t.test('kinds and names are read from the records', async (t) => {
  t.equal(tree.kindOf('soc-eb-norr'), 'enhet')
  t.equal(tree.kindOf('soc-bu'), undefined)
  t.equal(tree.nameOf('soc'), 'Socialförvaltningen')
  t.equal(tree.nameOf('soc-eb'), undefined)
  t.ok(tree.has('soc-bu'))
  t.notOk(tree.has('vof'))
})

t.test('a unit the tree does not know is within itself only', async (t) => {
  t.ok(tree.isWithin('ghost', 'ghost'))
  t.notOk(tree.isWithin('ghost', 'soc'))
})

t.test('a missing parent ends the chain', async (t) => {
  const orphaned = buildUnitTree([{ id: 'a', parent_id: 'gone' }, { id: 'b', parent_id: 'a' }])
  t.ok(orphaned.isWithin('b', 'a'))
  t.ok(orphaned.isWithin('b', 'gone'), 'the named parent id still counts as an ancestor')
  t.notOk(orphaned.isWithin('a', 'b'))
})

t.test('a cycle in parent links terminates', async (t) => {
  const cyclic = buildUnitTree([{ id: 'a', parent_id: 'c' }, { id: 'b', parent_id: 'a' }, { id: 'c', parent_id: 'b' }, { id: 'd', parent_id: 'c' }])
  t.ok(cyclic.isWithin('d', 'a'))
  t.ok(cyclic.isWithin('a', 'b'))
  t.notOk(cyclic.isWithin('a', 'd'))
})

t.test('deep chains are answered in both directions', async (t) => {
  const deep = Array.from({ length: 2000 }, (_, i) => ({ id: `u${i}`, parent_id: i === 0 ? null : `u${i - 1}` }))
  const chain = buildUnitTree(deep)
  t.ok(chain.isWithin('u1000', 'u0'))
  t.ok(chain.isWithin('u1999', 'u0'))
  t.ok(chain.isWithin('u1999', 'u1500'))
  t.notOk(chain.isWithin('u1000', 'u1001'))
})
