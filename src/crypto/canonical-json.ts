import canonicalize from 'canonicalize'

/**
 * The JSON Canonicalization Scheme (RFC 8785): object keys sorted by UTF-16 code units, no
 * whitespace, numbers and strings as ECMAScript serialises them. What the catalog's content
 * hashes, the audit chain's event hashes and every "same content?" comparison are taken over.
 *
 * Values are read as JSON.stringify reads them (`toJSON` first, so a Date is its ISO string;
 * undefined, functions and symbols left out of objects and null in arrays), so a value
 * canonicalises the same before and after a trip through JSON or jsonb. Throws where
 * RFC 8785 has no form: NaN, Infinity, lone surrogates, cycles, and a value that is not JSON
 * at all (undefined, a function, a symbol).
 */
export function canonicalJson (value: unknown): string {
  const json = canonicalize(value)
  if (json === undefined) throw new TypeError(`no canonical JSON for a ${typeof value}`)
  return json
}
