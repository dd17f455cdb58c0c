import { parseAttributePath, type AttributePath } from '../scim-attribute-lookup.js'
import { invalidFilter } from '../scim-errors.js'
import { COMPARE_OPERATORS, type CompareOperator, type FilterValue, type ScimFilter } from './ast.js'
import { tokenize, type Token } from './lexer.js'

const MAX_DEPTH = 32

/**
 * Recursive descent over RFC 7644 §3.4.2.2, precedence not > and > or (§3.4.2.2 "Grouping").
 * Keywords and operators are case-insensitive (ABNF literals are); `not` takes a parenthesised
 * filter, as the grammar says. Invalid input throws a 400 `invalidFilter` ScimError.
 */
export function parseFilter (source: string): ScimFilter {
  const parser = new FilterParser(tokenize(source))
  if (parser.peek().kind === 'end') throw invalidFilter('The filter is empty')
  const filter = parser.orExpression(0, false)
  parser.expectEnd()
  return filter
}

/** A value-path filter on its own (`type eq "work"`), as inside `emails[…]` in a PATCH path. */
export function parseValueFilter (tokens: Token[], start: number): { filter: ScimFilter, next: number } {
  const parser = new FilterParser(tokens, start)
  return { filter: parser.orExpression(1, true), next: parser.index }
}

class FilterParser {
  private readonly tokens: Token[]
  index: number
  constructor (tokens: Token[], index = 0) {
    this.tokens = tokens
    this.index = index
  }

  peek (): Token { return this.tokens[this.index] as Token }
  take (): Token { return this.tokens[this.index++] as Token }

  expectEnd (): void {
    const token = this.peek()
    if (token.kind !== 'end') throw unexpected(token, 'the end of the filter')
  }

  orExpression (depth: number, inValuePath: boolean): ScimFilter {
    if (depth > MAX_DEPTH) throw invalidFilter(`The filter nests deeper than ${MAX_DEPTH} levels`)
    const filters = [this.andExpression(depth, inValuePath)]
    while (this.isKeyword('or')) {
      this.take()
      filters.push(this.andExpression(depth, inValuePath))
    }
    return filters.length === 1 ? filters[0] as ScimFilter : { op: 'or', filters }
  }

  private andExpression (depth: number, inValuePath: boolean): ScimFilter {
    const filters = [this.unary(depth, inValuePath)]
    while (this.isKeyword('and')) {
      this.take()
      filters.push(this.unary(depth, inValuePath))
    }
    return filters.length === 1 ? filters[0] as ScimFilter : { op: 'and', filters }
  }

  private unary (depth: number, inValuePath: boolean): ScimFilter {
    const token = this.peek()
    if (this.isKeyword('not') && this.tokens[this.index + 1]?.kind === '(') {
      this.take()
      return { op: 'not', filter: this.group(depth, inValuePath) }
    }
    if (this.isKeyword('not')) throw invalidFilter(`"not" at position ${token.position} must be followed by a parenthesised filter`)
    if (token.kind === '(') return this.group(depth, inValuePath)
    if (token.kind === 'word') return this.attributeExpression(inValuePath, depth)
    throw unexpected(token, 'an attribute name, "not" or "("')
  }

  private group (depth: number, inValuePath: boolean): ScimFilter {
    this.take()
    const filter = this.orExpression(depth + 1, inValuePath)
    const close = this.take()
    if (close.kind !== ')') throw unexpected(close, '")"')
    return filter
  }

  private attributeExpression (inValuePath: boolean, depth: number): ScimFilter {
    const name = this.take()
    const path = attributePath(name)
    if (this.peek().kind === '[') {
      if (inValuePath) throw invalidFilter(`Value filters cannot nest (position ${this.peek().position})`)
      if (path.subAttribute !== undefined) throw invalidFilter(`"${name.text}" names a sub-attribute; a value filter needs a multi-valued attribute`)
      return this.valuePath(path, depth)
    }
    return this.comparison(path, name)
  }

  private valuePath (path: AttributePath, depth: number): ScimFilter {
    this.take()
    const inner = this.orExpression(depth + 1, true)
    const close = this.take()
    if (close.kind !== ']') throw unexpected(close, '"]"')
    if (this.peek().kind !== 'subAttribute') return { op: 'valuePath', path, filter: inner }
    // emails[type eq "work"].value eq "x" — not in §3.4.2.2's grammar, but sent by clients.
    const sub = this.take()
    const subPath = attributePath({ ...sub, kind: 'word' })
    const tail = this.comparison(subPath, sub)
    const filters = inner.op === 'and' ? [...inner.filters, tail] : [inner, tail]
    return { op: 'valuePath', path, filter: { op: 'and', filters } }
  }

  private comparison (path: AttributePath, name: Token): ScimFilter {
    const operatorToken = this.take()
    if (operatorToken.kind !== 'word') throw unexpected(operatorToken, `an operator after "${name.text}"`)
    const operator = operatorToken.text.toLowerCase()
    if (operator === 'pr') return { op: 'pr', path }
    if (!(COMPARE_OPERATORS as readonly string[]).includes(operator)) {
      throw invalidFilter(`Unknown operator "${operatorToken.text}" at position ${operatorToken.position}; expected one of ${COMPARE_OPERATORS.join(', ')}, pr`)
    }
    return { op: operator as CompareOperator, path, value: this.compareValue(operatorToken) }
  }

  private compareValue (operator: Token): FilterValue {
    const token = this.take()
    if (token.kind === 'string') return token.text
    if (token.kind === 'number') return Number(token.text)
    if (token.kind === 'word') {
      const keyword = token.text.toLowerCase()
      if (keyword === 'true') return true
      if (keyword === 'false') return false
      if (keyword === 'null') return null
    }
    throw invalidFilter(token.kind === 'end'
      ? `Expected a value after "${operator.text}" at position ${operator.position}`
      : `Expected a string, number, true, false or null at position ${token.position}, found "${token.text}"`)
  }

  private isKeyword (keyword: string): boolean {
    const token = this.peek()
    return token.kind === 'word' && token.text.toLowerCase() === keyword
  }
}

function attributePath (token: Token): AttributePath {
  const path = parseAttributePath(token.text)
  if (!path) throw invalidFilter(`"${token.text}" at position ${token.position} is not an attribute path`)
  return path
}

function unexpected (token: Token, expected: string): Error {
  return invalidFilter(token.kind === 'end'
    ? `Unexpected end of the filter; expected ${expected}`
    : `Unexpected "${token.text}" at position ${token.position}; expected ${expected}`)
}
