/**
 * Title patterns are regular expressions written by stewards and run against every
 * employment's title on every recompute, so a pattern must not be able to backtrack
 * catastrophically. V8's engine backtracks; its linear-time engine needs a start-up flag,
 * and the `v` flag changes syntax, not matching cost. So we refuse, before saving, the
 * constructs that make exponential backtracking possible:
 * - a repeated group that itself contains a quantifier or an alternation (`(a+)+`,
 *   `(\w+\s?)*`, `(a|ab)*`) — the classic nested-quantifier shapes;
 * - backreferences (`\1`, `\k<name>`), which no engine matches in linear time;
 * - patterns over 200 characters.
 * What remains can be at worst polynomial in the title's length, and titles are short
 * and repeat across people, so the evaluator also memoises results per distinct title.
 */
export const TITLE_PATTERN_FLAGS = 'iu'
export const TITLE_PATTERN_MAX_LENGTH = 200

/** Why `pattern` cannot be used as a title pattern, or undefined if it can. */
export function titlePatternProblem (pattern: string): string | undefined {
  if (pattern.length > TITLE_PATTERN_MAX_LENGTH) return `is longer than ${TITLE_PATTERN_MAX_LENGTH} characters`
  try {
    new RegExp(pattern, TITLE_PATTERN_FLAGS)
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`
  }
  return backtrackingRisk(pattern)
}

interface Frame { quantified: boolean, alternation: boolean }
interface Quantifier { end: number, repeats: boolean }

// Only called on patterns that already compiled with the `u` flag, so the syntax is
// known to be valid: e.g. a `{` after an atom is always a quantifier.
function backtrackingRisk (p: string): string | undefined {
  const stack: Frame[] = [{ quantified: false, alternation: false }]
  const top = (): Frame => stack[stack.length - 1] as Frame
  let i = 0
  while (i < p.length) {
    const c = p[i]
    if (c === '(') {
      stack.push({ quantified: false, alternation: false })
      i = skipGroupPrefix(p, i + 1)
      continue
    }
    if (c === '|') {
      top().alternation = true
      i++
      continue
    }
    let atomEnd: number
    let inner: Frame = { quantified: false, alternation: false }
    if (c === ')') {
      inner = stack.pop() as Frame
      atomEnd = i + 1
    } else if (c === '\\') {
      const next = p[i + 1] ?? ''
      if (/[1-9k]/.test(next)) return 'uses a backreference, which cannot be matched in linear time'
      atomEnd = /[pPu]/.test(next) && p[i + 2] === '{' ? p.indexOf('}', i + 2) + 1 : i + 2
    } else if (c === '[') {
      atomEnd = classEnd(p, i + 1)
    } else {
      atomEnd = i + 1
    }
    const q = readQuantifier(p, atomEnd)
    if (q?.repeats && (inner.quantified || inner.alternation)) {
      return 'repeats a group that contains a quantifier or an alternation (e.g. `(a+)+` or `(a|ab)*`), which can take exponential time on some titles'
    }
    const frame = top()
    frame.quantified ||= inner.quantified || q !== undefined
    frame.alternation ||= inner.alternation
    i = q ? q.end : atomEnd
  }
  return undefined
}

function skipGroupPrefix (p: string, i: number): number {
  if (p[i] !== '?') return i
  if (p[i + 1] === '<' && p[i + 2] !== '=' && p[i + 2] !== '!') return p.indexOf('>', i) + 1
  return p[i + 1] === '<' ? i + 3 : i + 2
}

function classEnd (p: string, i: number): number {
  while (i < p.length && p[i] !== ']') i += p[i] === '\\' ? 2 : 1
  return i + 1
}

function readQuantifier (p: string, i: number): Quantifier | undefined {
  const c = p[i]
  let end: number
  let repeats: boolean
  if (c === '*' || c === '+') {
    end = i + 1
    repeats = true
  } else if (c === '?') {
    end = i + 1
    repeats = false
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i))
    if (!m) return undefined
    end = i + m[0].length
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3])
    repeats = max > 1
  } else {
    return undefined
  }
  return { end: p[end] === '?' ? end + 1 : end, repeats }
}
