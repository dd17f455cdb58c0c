import type { EntryValue } from './entry-values.js'

/**
 * Active Directory's ranged retrieval: a group with more members than MaxValRange (1500
 * by default) comes back with `member;range=0-1499` instead of `member`, and the rest is
 * asked for range by range (`member;range=1500-*`) until a range ends in `*`.
 * OpenLDAP never does this; the loop is tested with a small fake of the read.
 */
export interface AttributeRange {
  attribute: string
  start: number
  /** null for `*`: the last range. */
  end: number | null
}

/** `member;range=0-1499` → { attribute: 'member', start: 0, end: 1499 }; anything else → null. */
export function parseRangedName (name: string): AttributeRange | null {
  const m = /^([^;]+)(?:;[^;]+)*?;range=(\d+)-(\d+|\*)$/i.exec(name)
  if (!m) return null
  return { attribute: m[1] as string, start: Number(m[2]), end: m[3] === '*' ? null : Number(m[3]) }
}

export interface RangedPart {
  values: EntryValue[]
  /** The range the values came in, or null when the attribute came whole. */
  range: AttributeRange | null
}

/** The values an entry holds of `attribute`: whole, or one range of them. */
export function attributePart (attributes: ReadonlyMap<string, EntryValue[]>, attribute: string): RangedPart {
  const wanted = attribute.toLowerCase()
  for (const [name, values] of attributes) {
    const range = parseRangedName(name)
    if (range && range.attribute.toLowerCase() === wanted) return { values, range }
  }
  return { values: attributes.get(wanted) ?? [], range: null }
}

/**
 * All values of `attribute`, starting from the part the first read returned and fetching
 * the following ranges with `fetchRange` (which reads the entry asking for
 * `<attribute>;range=<start>-*`). Stops at a range ending in `*`; throws rather than loop
 * when the server answers with a range that does not continue where the last one ended
 * (each round must move forward, so the loop ends).
 */
export async function readAllValues (
  attribute: string,
  first: RangedPart,
  fetchRange: (request: string) => Promise<ReadonlyMap<string, EntryValue[]>>
): Promise<EntryValue[]> {
  const values = [...first.values]
  let range = first.range
  while (range !== null && range.end !== null) {
    const start = range.end + 1
    const part = attributePart(await fetchRange(`${attribute};range=${start}-*`), attribute)
    if (part.range === null || part.range.start !== start || (part.range.end !== null && part.range.end < start)) {
      throw new Error(`ranged retrieval of ${attribute}: asked from ${start}, got ${part.range ? `${part.range.start}-${part.range.end ?? '*'}` : 'no range'}`)
    }
    values.push(...part.values)
    range = part.range
  }
  return values
}
