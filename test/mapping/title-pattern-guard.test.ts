import t from 'tap'
import { titlePatternProblem } from '../../src/mapping/title-pattern-guard.js'

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

t.test('invalid regular expressions are refused with the engine\'s reason', async (t) => {
  t.match(titlePatternProblem('(socialsekreterare'), /^is not a valid regular expression: .*Unterminated group/)
  t.match(titlePatternProblem('a{2'), /^is not a valid regular expression/, 'the u flag makes a lone brace an error')
})

t.test('repeated groups holding a quantifier or alternation are refused', async (t) => {
  for (const pattern of ['(a+)+', '(\\w+\\s?)*$', '(a|ab)*c', '(x(a|b))+', '(?:a*){2,}', '(.*){5}', '(a+)+?', '([a-z]+)*'.replace('*', '{2}')]) {
    t.match(titlePatternProblem(pattern), /repeats a group that contains a quantifier or an alternation/, pattern)
  }
})

t.test('a group that is optional or not repeated may hold a quantifier', async (t) => {
  t.equal(titlePatternProblem('((a))*'), undefined)
  t.equal(titlePatternProblem('^(\\w+ )?chef$'), undefined)
  t.equal(titlePatternProblem('(a+){1}'), undefined)
})

t.test('backreferences are refused', async (t) => {
  t.match(titlePatternProblem('(a)\\1'), /backreference/)
  t.match(titlePatternProblem('(?<x>a)\\k<x>'), /backreference/)
})

t.test('escaped parentheses and classes are not groups', async (t) => {
  t.equal(titlePatternProblem('\\(a+\\)+'), undefined)
  t.equal(titlePatternProblem('[(]a+[)]+'), undefined)
})

t.test('patterns over 200 characters are refused', async (t) => {
  t.match(titlePatternProblem('a'.repeat(201)), /longer than 200/)
})
