import type { Entry } from 'ldapts'

export type EntryValue = string | Buffer

/**
 * An entry's attributes by lower-cased name. Servers answer with their own spelling of a
 * name (`employeenumber` asked, `employeeNumber` returned), so lookups ignore case.
 */
export function entryAttributes (entry: Entry): Map<string, EntryValue[]> {
  const byName = new Map<string, EntryValue[]>()
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'dn') continue
    const values = Array.isArray(value) ? value : [value]
    const key = name.toLowerCase()
    const known = byName.get(key)
    // ldapts adds requested attributes the entry lacks as [] (under the requested spelling).
    byName.set(key, known ? [...known, ...values] : values)
  }
  return byName
}

/** The first value of an attribute as text (binary values as UTF-8), or null when absent or empty. */
export function firstText (attributes: Map<string, EntryValue[]>, name: string): string | null {
  const value = attributes.get(name.toLowerCase())?.[0]
  if (value === undefined) return null
  const text = typeof value === 'string' ? value : value.toString('utf8')
  return text === '' ? null : text
}

/** All values of an attribute as text. */
export function allText (attributes: Map<string, EntryValue[]>, name: string): string[] {
  return (attributes.get(name.toLowerCase()) ?? []).map((v) => typeof v === 'string' ? v : v.toString('utf8'))
}
