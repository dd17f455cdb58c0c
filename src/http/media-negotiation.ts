interface MediaRange { type: string, subtype: string, q: number }

/**
 * Proactive negotiation (RFC 9110 §12.5.1): the offered media type the `Accept` header
 * prefers. Each offer takes the weight of the most specific range matching it; the highest
 * weight wins, the server's order breaks ties. No `Accept` means the first offer;
 * undefined means none is acceptable (answer 406).
 */
export function preferredMediaType<T extends string> (accept: string | undefined, offers: readonly T[]): T | undefined {
  if (!accept?.trim()) return offers[0]
  const ranges = accept.split(',').map(parseRange).filter((r): r is MediaRange => r !== undefined)
  let best: { offer: T, q: number } | undefined
  for (const offer of offers) {
    const q = weightOf(offer, ranges)
    if (q > 0 && (!best || q > best.q)) best = { offer, q }
  }
  return best?.offer
}

function parseRange (text: string): MediaRange | undefined {
  const [range = '', ...params] = text.split(';').map((part) => part.trim().toLowerCase())
  const [type, subtype] = range.split('/')
  if (!type || !subtype) return undefined
  const qParam = params.find((p) => p.startsWith('q='))
  const q = qParam ? Number(qParam.slice(2)) : 1
  return { type, subtype, q: Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0 }
}

function weightOf (offer: string, ranges: MediaRange[]): number {
  const [type, subtype] = offer.toLowerCase().split('/')
  let match: { specificity: number, q: number } | undefined
  for (const range of ranges) {
    const specificity = range.type === type && range.subtype === subtype ? 2 : range.type === type && range.subtype === '*' ? 1 : range.type === '*' && range.subtype === '*' ? 0 : -1
    if (specificity >= 0 && (!match || specificity > match.specificity)) match = { specificity, q: range.q }
  }
  return match?.q ?? 0
}
