import t from 'tap'
import { compileTitlePattern, titlePatternProblem } from '../../src/mapping/title-pattern-compiler.js'

const matches = (pattern: string, title: string): boolean => compileTitlePattern(pattern).test(title)

t.test('ordinary title patterns are accepted', async (t) => {
  for (const pattern of [
    'socialsekreterare',
    '^(förste )?socialsekreterare$',
    'handläggare|utredare',
    '^\\p{L}+ ?sekreterare',
    '[a-zåäö]+ \\w{2,5}',
    '(?<roll>enhetschef)\\s*(?:eb)?',
    '(?:[^)(]+)?x',
    '^(ab){3}$'
  ]) t.equal(titlePatternProblem(pattern), undefined, pattern)
})

t.test('matching is case-insensitive and unanchored, with Swedish letters folded', async (t) => {
  t.ok(matches('socialsekreterare', 'Förste SOCIALSEKRETERARE'))
  t.ok(matches('^ÅSA', 'åsa'))
  t.ok(matches('öVER', 'Över'))
  t.ok(matches('^[a-zåäö]+chef$', 'ÄldreomsorgsCHEF'))
  t.ok(matches('^\\p{Lu}', 'Öppenvård'), '\\p{…} classes')
  t.ok(matches('(?<roll>enhetschef)\\s*(?:eb)?', 'Enhetschef EB'), 'named groups')
  t.notOk(matches('^socialsekreterare$', 'Förste socialsekreterare'))
  t.ok(matches('^\\u00e5', 'Å'), '\\u escapes')
  t.ok(matches('^\\p{Script=Latin}+$', 'Åsa'), 'scripts by JavaScript\'s name')
  t.notOk(matches('^\\p{sc=Latin}+$', 'Ωmega'))
})

t.test('\\s, \\S and . keep their JavaScript meaning', async (t) => {
  t.ok(matches('förste\\ssocialsekreterare', 'Förste\u00a0socialsekreterare'), '\\s matches a no-break space, as in JavaScript')
  t.ok(matches('a[\\s-]b', 'a\u2003b'), '… also inside a class')
  t.notOk(matches('^\\S+$', 'a\u00a0b'))
  t.ok(matches('^a.b$', 'a\u00e5b'))
  t.notOk(matches('^a.b$', 'a\u2028b'), '. stops at a line terminator')
  t.notOk(matches('x[]', 'x]'), '[] matches nothing')
  t.ok(matches('^[^]$', '\n'), '[^] matches anything')
})

t.test('invalid regular expressions are refused with the engine\'s reason', async (t) => {
  t.match(titlePatternProblem('(socialsekreterare'), /^is not a valid regular expression: .*Unterminated group/)
  t.match(titlePatternProblem('a{2'), /^is not a valid regular expression/, 'the u flag makes a lone brace an error')
})

// These were once refused for fear of backtracking; RE2 matches them in linear time.
const BACKTRACKING_SHAPES = ['(a+)+', '(\\w+\\s?)*$', '(a|ab)*c', '(x(a|b))+', '(?:a*){2,}', '(.*){5}', '(a+)+?', '([a-z]+){2}', '(.*)*x', '(a|aa)+$', '(.*a){20}', '.*.*.*.*.*x']

t.test('patterns that backtrack catastrophically in V8 are accepted, and answer at once on a long title', async (t) => {
  for (const pattern of BACKTRACKING_SHAPES) t.equal(titlePatternProblem(pattern), undefined, pattern)
  const title = 'a'.repeat(249) + '!'
  t.notOk(matches('(.*)*x', title))
  t.notOk(matches('(a|aa)+$', title))
  t.ok(matches('(a|aa)+!$', title))
  t.notOk(matches('(.*a){20}', 'a'.repeat(19) + 'b'.repeat(231)))
  t.ok(matches('(.*a){20}', 'ba'.repeat(125)))
  t.notOk(matches('.*.*.*.*.*x', title))
  t.notOk(matches('^(\\w+\\s?)*$', title))
})

t.test('backreferences and lookaround are refused', async (t) => {
  t.match(titlePatternProblem('(a)\\1'), /backreference/)
  t.match(titlePatternProblem('(?<x>a)\\k<x>'), /backreference/)
  for (const pattern of ['chef(?=\\s)', 'chef(?!x)', '(?<=enhets)chef', '(?<!av)delning']) {
    t.match(titlePatternProblem(pattern), /lookahead or lookbehind, which cannot be matched in linear time/, pattern)
  }
  t.match(titlePatternProblem('[\\S]'), /\\S inside a character class/)
  t.match(titlePatternProblem('\\p{Letter}'), /cannot be matched in linear time/, 'a long category name, which RE2 does not know')
})

t.test('escaped parentheses and classes are not groups', async (t) => {
  t.equal(titlePatternProblem('\\(a+\\)+'), undefined)
  t.equal(titlePatternProblem('[(]a+[)]+'), undefined)
  t.ok(matches('\\(eb\\)', 'Handläggare (EB)'))
  t.ok(matches('[(?=]', '?'), 'lookahead syntax inside a class is three characters')
})

t.test('patterns over 200 characters are refused', async (t) => {
  t.match(titlePatternProblem('a'.repeat(201)), /longer than 200/)
})
