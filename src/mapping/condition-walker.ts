import { COMBINATOR_KEYS, type Condition, type ConditionKey } from './mapping-types.js'

export type LeafKey = Exclude<ConditionKey, typeof COMBINATOR_KEYS[number]>

export interface ConditionLeaf<K extends LeafKey = LeafKey> {
  key: K
  value: NonNullable<Condition[K]>
  /** JSON Pointer to the leaf's value in the document. */
  pointer: string
}

/** Every leaf condition (not `all`/`any`/`not`) in the tree, depth first, with its pointer. */
export function * conditionLeaves (condition: Condition, pointer: string): Generator<ConditionLeaf> {
  for (const [key, value] of Object.entries(condition) as Array<[ConditionKey, unknown]>) {
    if (value === undefined) continue
    if (key === 'all' || key === 'any') {
      const children = value as Condition[]
      for (let i = 0; i < children.length; i++) yield * conditionLeaves(children[i] as Condition, `${pointer}/${key}/${i}`)
    } else if (key === 'not') {
      yield * conditionLeaves(value as Condition, `${pointer}/not`)
    } else {
      yield { key, value, pointer: `${pointer}/${key}` } as ConditionLeaf
    }
  }
}

/** The leaves of one kind, with a pointer per listed value (e.g. `/…/groups/2`). */
export function * listedValues (condition: Condition, pointer: string, key: 'titles' | 'groups' | 'unit_within'): Generator<{ value: string, pointer: string }> {
  for (const leaf of conditionLeaves(condition, pointer)) {
    if (leaf.key !== key) continue
    const value = leaf.value as string | string[]
    if (typeof value === 'string') yield { value, pointer: leaf.pointer }
    else for (let i = 0; i < value.length; i++) yield { value: value[i] as string, pointer: `${leaf.pointer}/${i}` }
  }
}
