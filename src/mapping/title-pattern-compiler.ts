import { RE2JS } from 're2js'

/**
 * Title patterns are regular expressions written by stewards and run against every
 * employment's title on every preview and recompute, on the event loop. V8's engine
 * backtracks (`.*.*.*.*x` takes minutes on a 250-character title), so they run on RE2
 * (re2js, a pure-JavaScript port), which matches in time linear in the title whatever the
 * pattern. The syntax stays JavaScript's (`u` flag), matching is case-insensitive; `\s`
 * and `.` keep their JavaScript meaning (Unicode spaces; anything but a line terminator).
 * What no linear-time engine can match, backreferences and lookaround, is refused.
 */
export const TITLE_PATTERN_MAX_LENGTH = 200

export interface TitlePattern { test (title: string): boolean }

// JavaScript's \s: ASCII spaces, U+FEFF and the Unicode separators (Zs, Zl, Zp).
const JS_SPACE = '\\t\\n\\v\\f\\r\\x{FEFF}\\p{Z}'
const JS_DOT = '[^\\n\\r\\x{2028}\\x{2029}]'
const ANY = '\\x{0}-\\x{10FFFF}'

/** Why `pattern` cannot be used as a title pattern, or undefined if it can. */
export function titlePatternProblem (pattern: string): string | undefined {
  const compiled = compile(pattern)
  return 'problem' in compiled ? compiled.problem : undefined
}

/**
 * The pattern, ready to test titles in linear time. A pattern `titlePatternProblem`
 * refuses matches no title: new mappings cannot hold one, but a version published before
 * patterns ran on RE2 may (a lookahead was accepted then). Granting nothing by that
 * pattern fails closed and lets the recompute go on, which revocations depend on; the
 * preview lists its rule among those matching nobody.
 */
export function compileTitlePattern (pattern: string): TitlePattern {
  const compiled = compile(pattern)
  if ('problem' in compiled) return { test: () => false }
  return { test: (title) => compiled.re2.test(title) }
}

function compile (pattern: string): { re2: RE2JS } | { problem: string } {
  if (pattern.length > TITLE_PATTERN_MAX_LENGTH) return { problem: `is longer than ${TITLE_PATTERN_MAX_LENGTH} characters` }
  try {
    // Only compiled, never run: JavaScript's syntax, checked by JavaScript's parser.
    // eslint-disable-next-line no-new -- constructed only for its syntax check
    new RegExp(pattern, 'u')
  } catch (error) {
    return { problem: `is not a valid regular expression: ${(error as Error).message}` }
  }
  const translated = toRe2(pattern)
  if ('problem' in translated) return translated
  try {
    return { re2: RE2JS.compile(RE2JS.translateRegExp(translated.source), RE2JS.CASE_INSENSITIVE) }
  } catch (error) {
    return { problem: `cannot be matched in linear time: ${(error as Error).message}` }
  }
}

/**
 * Rewrites what RE2 reads differently (`\s`, `\S`, `.`, `[]`, `[^]`, `\p{Script=…}`) and
 * refuses what it cannot do. Only called on patterns JavaScript parsed with the `u` flag,
 * so escapes and classes are well formed.
 */
function toRe2 (p: string): { source: string } | { problem: string } {
  let out = ''
  let inClass = false
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string
    if (c === '\\') {
      const next = p[i + 1] as string
      i++
      if (/[1-9k]/.test(next)) return { problem: 'uses a backreference, which cannot be matched in linear time' }
      if (next === 's') out += inClass ? JS_SPACE : `[${JS_SPACE}]`
      else if (next === 'S' && inClass) return { problem: 'uses \\S inside a character class, which the linear-time engine cannot express; write an alternation instead, e.g. (?:\\S|-)' }
      else if (next === 'S') out += `[^${JS_SPACE}]`
      else if ((next === 'p' || next === 'P') && p[i + 1] === '{') {
        // RE2 names scripts bare: \p{Script=Latin} (JavaScript) is \p{Latin} (RE2).
        const end = p.indexOf('}', i)
        out += `\\${next}{${p.slice(i + 2, end).replace(/^(?:Script|sc)=/, '')}}`
        i = end
      } else out += c + next
    } else if (inClass) {
      if (c === ']') inClass = false
      out += c
    } else if (c === '[') {
      // In JavaScript `[]` matches nothing and `[^]` anything; RE2 reads a `]` there as a literal.
      const negated = p[i + 1] === '^'
      if (p[i + (negated ? 2 : 1)] === ']') {
        out += negated ? `[${ANY}]` : `[^${ANY}]`
        i += negated ? 2 : 1
      } else {
        inClass = true
        out += c
      }
    } else if (c === '.') {
      out += JS_DOT
    } else if (c === '(' && /^\(\?(?:[=!]|<[=!])/.test(p.slice(i, i + 4))) {
      return { problem: 'uses lookahead or lookbehind, which cannot be matched in linear time' }
    } else {
      out += c
    }
  }
  return { source: out }
}
