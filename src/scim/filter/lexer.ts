import { invalidFilter } from '../scim-errors.js'

export type TokenKind = 'word' | 'string' | 'number' | '(' | ')' | '[' | ']' | 'subAttribute' | 'end'

export interface Token {
  kind: TokenKind
  /** Source text; for strings the decoded value, for `subAttribute` the name without the dot. */
  text: string
  position: number
}

const WORD = /[A-Za-z$][A-Za-z0-9_\-.:$]*/y
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?![A-Za-z0-9_])/y
const SUB_ATTRIBUTE = /\.([A-Za-z$][A-Za-z0-9_\-$]*)/y
// eslint-disable-next-line no-control-regex -- a JSON string has no raw control characters (RFC 8259 §7)
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

export const MAX_FILTER_LENGTH = 4096

/** Splits a filter into tokens; strings are JSON strings (RFC 7644 §3.4.2.2, RFC 7159). */
export function tokenize (source: string): Token[] {
  if (source.length > MAX_FILTER_LENGTH) throw invalidFilter(`The filter is longer than ${MAX_FILTER_LENGTH} characters`)
  const tokens: Token[] = []
  let position = 0
  while (position < source.length) {
    const char = source[position] as string
    if (/\s/.test(char)) {
      position++
    } else if ('()[]'.includes(char)) {
      tokens.push({ kind: char as TokenKind, text: char, position })
      position++
      if (char === ']') position = readSubAttribute(source, position, tokens)
    } else if (char === '"') {
      position = readString(source, position, tokens)
    } else {
      position = readWordOrNumber(source, position, tokens)
    }
  }
  tokens.push({ kind: 'end', text: '', position: source.length })
  return tokens
}

function readSubAttribute (source: string, position: number, tokens: Token[]): number {
  SUB_ATTRIBUTE.lastIndex = position
  const match = SUB_ATTRIBUTE.exec(source)
  if (!match) return position
  tokens.push({ kind: 'subAttribute', text: match[1] as string, position })
  return position + match[0].length
}

function readString (source: string, position: number, tokens: Token[]): number {
  STRING.lastIndex = position
  const match = STRING.exec(source)
  if (!match) {
    const closed = source.indexOf('"', position + 1) !== -1
    throw invalidFilter(closed
      ? `Invalid escape or control character in the string at position ${position}`
      : `Unterminated string starting at position ${position}`)
  }
  tokens.push({ kind: 'string', text: JSON.parse(match[0]) as string, position })
  return position + match[0].length
}

function readWordOrNumber (source: string, position: number, tokens: Token[]): number {
  for (const [kind, pattern] of [['number', NUMBER], ['word', WORD]] as const) {
    pattern.lastIndex = position
    const match = pattern.exec(source)
    if (match) {
      tokens.push({ kind, text: match[0], position })
      return position + match[0].length
    }
  }
  throw invalidFilter(`Unexpected character "${source[position] ?? ''}" at position ${position}`)
}
