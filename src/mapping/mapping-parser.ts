import { parseDocument, type YAMLError } from 'yaml'
import { MalformedMapping } from './errors.js'
import { MAX_JSON_DEPTH } from '../http/json-depth.js'

export type MappingFormat = 'yaml' | 'json'

/**
 * JSON when the content type says so (`application/json`, `…+json`), YAML when it says
 * YAML; otherwise sniffed: a body starting with `{` is JSON, anything else YAML.
 */
export function detectMappingFormat (text: string, contentType?: string): MappingFormat {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (type === 'application/json' || type.endsWith('+json')) return 'json'
  if (/^(application|text)\/(x-)?yaml$/.test(type) || type.endsWith('+yaml')) return 'yaml'
  return /^\uFEFF?\s*\{/.test(text) ? 'json' : 'yaml'
}

/**
 * Parses a mapping body into a plain value (not yet validated). Both formats go through
 * the YAML parser, JSON with its JSON schema, because it reports line and column for
 * every error and refuses duplicate keys, which JSON.parse silently accepts.
 * Throws `malformed-mapping` with `line` and `column` extension members.
 */
export function parseMappingText (text: string, contentType?: string): unknown {
  const format = detectMappingFormat(text, contentType)
  const deep = tooDeep(text)
  if (deep) {
    throw MalformedMapping({
      detail: `The mapping is not valid ${format === 'json' ? 'JSON' : 'YAML'} at line ${deep.line}, column ${deep.column}: it nests deeper than a mapping can`,
      extensions: deep
    })
  }
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), {
    schema: format === 'json' ? 'json' : 'core',
    uniqueKeys: true,
    prettyErrors: true,
    // `<<` merge keys are a YAML 1.1 feature; in 1.2 they would be an ordinary key.
    merge: false
  })
  // Warnings (e.g. an unknown `!tag`) become errors: a tag we do not understand would
  // otherwise silently turn into a plain string.
  const problem = doc.errors[0] ?? doc.warnings[0]
  if (problem) throw malformed(problem, format)
  try {
    // maxAliasCount bounds "billion laughs" expansion of YAML aliases.
    return doc.toJS({ maxAliasCount: 100 })
  } catch (cause) {
    throw MalformedMapping({ detail: `The mapping cannot be read: ${(cause as Error).message}`, cause })
  }
}

/**
 * The YAML parser recurses once per level, and a stack overflow inside it can hit V8 while it
 * compiles a regular expression, which aborts the whole process (a 3 kB body of nested
 * brackets did). So nesting is bounded before parsing, generously for real mappings: flow
 * brackets (JSON's too) are counted wherever they appear, even inside strings, which can only
 * over-count; block nesting needs one column of indentation or `- `/`? ` per level.
 */
const MAX_LINE_PREFIX = 128

function tooDeep (text: string): { line: number, column: number } | undefined {
  let depth = 0
  let line = 1
  let column = 0
  let prefix = 0
  let atLineStart = true
  for (const c of text) {
    if (c === '\n') { line++; column = 0; prefix = 0; atLineStart = true; continue }
    column++
    if (atLineStart && (c === ' ' || c === '\t' || c === '-' || c === '?')) {
      if (++prefix > MAX_LINE_PREFIX) return { line, column }
      continue
    }
    atLineStart = false
    if (c === '[' || c === '{') {
      if (++depth > MAX_JSON_DEPTH) return { line, column }
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--
    }
  }
  return undefined
}

function malformed (error: YAMLError, format: MappingFormat): Error {
  const position = error.linePos?.[0]
  // prettyErrors appends " at line L, column C:" and a source excerpt; keep the first part.
  const message = error.message.split(/ at line \d+, column \d+/)[0]?.trim() ?? error.message
  const where = position ? ` at line ${position.line}, column ${position.col}` : ''
  return MalformedMapping({
    detail: `The mapping is not valid ${format === 'json' ? 'JSON' : 'YAML'}${where}: ${message}`,
    extensions: position ? { line: position.line, column: position.col } : {}
  })
}
