import { UnpairedSurrogate } from '../crypto/canonical-json.js'

/**
 * PostgreSQL cannot store U+0000 in text (SQLSTATE 22021) or jsonb (22P05), nor an unpaired
 * UTF-16 surrogate escape (`"\ud800"`) in jsonb (22P02); JSON may carry either in any string.
 * Rather than scan every body, the error renderers turn that refusal into a 400: the
 * statement failed, so its transaction changed nothing.
 */
export const UNSTORABLE_TEXT_DETAIL = 'A text value contains a NUL character (\\u0000) or an unpaired UTF-16 surrogate (\\ud800-\\udfff), which cannot be stored'

export function isUnstorableText (error: unknown): boolean {
  // Refused before PostgreSQL saw it, where a value is compared or hashed in canonical form.
  if (error instanceof UnpairedSurrogate) return true
  if (typeof error !== 'object' || error === null) return false
  const { code, message, detail } = error as { code?: unknown, message?: unknown, detail?: unknown }
  const text = `${typeof message === 'string' ? message : ''} ${typeof detail === 'string' ? detail : ''}`
  if (code === '22021' || code === '22P05') return /0x00|\\u0000|unicode escape/i.test(text)
  return code === '22P02' && /surrogate/i.test(text)
}
