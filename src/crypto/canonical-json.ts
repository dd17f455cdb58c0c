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
  let json: string | undefined
  try {
    json = canonicalize(value)
  } catch (error) {
    // JSON.parse gives a lone surrogate from any request body ("\ud800"): bad input, not a fault.
    if (error instanceof Error && /surrogate/i.test(error.message)) throw new UnpairedSurrogate(error.message)
    throw error
  }
  if (json === undefined) throw new TypeError(`no canonical JSON for a ${typeof value}`)
  return json
}

/** A string with half a UTF-16 surrogate pair: RFC 8785 has no form for it, and jsonb refuses it too. */
export class UnpairedSurrogate extends TypeError {}
