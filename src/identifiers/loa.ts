/**
 * Levels of assurance of a login: the authentication context URIs of the Swedish eID
 * Framework (DIGG, "Registry for identifiers" §3.1.1), as an IdP sends them in `acr`
 * (OIDC) or `AuthnContextClassRef` (SAML).
 *
 * `rank` orders them for one question only, "does this login meet a relying party's
 * `min_loa`": a login meets a level when its rank is at least that level's. The levels of
 * the Tillitsramverk are 1–4; the eIDAS levels low, substantial and high rank with loa2,
 * loa3 and loa4 (the framework maps them so), a notified scheme (`eidas-nf-*`) with its
 * level. A login the framework marks apart from its level ranks half a step below it, so
 * it meets the level beneath and not its own: `uncertified-*` (a self-declared level no
 * one has audited) and `*-nonresident` (issued to someone without personnummer or
 * samordningsnummer; DIGG forbids the ordinary URIs for these so that a service opts in).
 */
export interface KnownLoa { readonly uri: string, readonly rank: number, readonly note: string }

const ELN = 'http://id.elegnamnden.se/loa/1.0/'
const SC = 'http://id.swedenconnect.se/loa/1.0/'

/** Ordered by rank, lowest first. */
export const KNOWN_LOAS: readonly KnownLoa[] = Object.freeze([
  { uri: `${ELN}loa1`, rank: 1, note: 'Tillitsramverk level 1' },
  { uri: `${SC}uncertified-loa2`, rank: 1.5, note: 'self-declared level 2, not audited' },
  { uri: `${SC}loa2-nonresident`, rank: 1.5, note: 'level 2, person without a Swedish identity number' },
  { uri: `${SC}uncertified-eidas-low`, rank: 1.5, note: 'self-declared eIDAS low, not audited' },
  { uri: `${ELN}loa2`, rank: 2, note: 'Tillitsramverk level 2' },
  { uri: `${ELN}eidas-low`, rank: 2, note: 'eIDAS low' },
  { uri: `${ELN}eidas-nf-low`, rank: 2, note: 'eIDAS low, notified scheme' },
  { uri: `${SC}uncertified-loa3`, rank: 2.5, note: 'self-declared level 3, not audited' },
  { uri: `${SC}loa3-nonresident`, rank: 2.5, note: 'level 3, person without a Swedish identity number' },
  { uri: `${SC}uncertified-eidas-sub`, rank: 2.5, note: 'self-declared eIDAS substantial, not audited' },
  { uri: `${ELN}loa3`, rank: 3, note: 'Tillitsramverk level 3: what agencies require' },
  { uri: `${ELN}eidas-sub`, rank: 3, note: 'eIDAS substantial' },
  { uri: `${ELN}eidas-nf-sub`, rank: 3, note: 'eIDAS substantial, notified scheme' },
  { uri: `${SC}uncertified-eidas-high`, rank: 3.5, note: 'self-declared eIDAS high, not audited' },
  { uri: `${SC}loa4-nonresident`, rank: 3.5, note: 'level 4, person without a Swedish identity number' },
  { uri: `${ELN}loa4`, rank: 4, note: 'Tillitsramverk level 4' },
  { uri: `${ELN}eidas-high`, rank: 4, note: 'eIDAS high' },
  { uri: `${ELN}eidas-nf-high`, rank: 4, note: 'eIDAS high, notified scheme' }
].map((loa) => Object.freeze(loa)))

export const KNOWN_LOA_URIS: readonly string[] = KNOWN_LOAS.map((loa) => loa.uri)

/** Level 3: the default `min_loa` of a relying party. */
export const LOA3 = `${ELN}loa3`

const ranks = new Map(KNOWN_LOAS.map((loa) => [loa.uri, loa.rank]))

/** The rank of a known URI (compared exactly: URIs are case-sensitive), else undefined. */
export const loaRank = (uri: string): number | undefined => ranks.get(uri)

/** Whether a login at `actual` meets `required`. An absent or unknown level never does, nor does any level meet an unknown requirement. */
export function meetsLoa (actual: string | undefined, required: string): boolean {
  const have = actual === undefined ? undefined : loaRank(actual)
  const need = loaRank(required)
  return have !== undefined && need !== undefined && have >= need
}
