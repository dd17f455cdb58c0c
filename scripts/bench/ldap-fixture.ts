/**
 * A large municipal directory as LDIF, for directory benchmarks: N people in
 * förvaltningar → enheter OUs (inetOrgPerson with employeeNumber, mail, displayName;
 * about 1 % disabled through `employeeType: disabled`, 1 % consultants without an employee
 * number) and M groupOfNames with about three memberships per person, a tenth of the
 * groups nesting others and a few deliberate cycles. Deterministic for a seed; written as
 * it is generated, never held whole.
 *
 *   npx tsx scripts/bench/ldap-fixture.ts --users 100000 --groups 10000 --out /tmp/bench
 *     → /tmp/bench.ldif: everything, for `scripts/test-services/ldap-ctl.sh load /tmp/bench.ldif`
 *   … --split → /tmp/bench-users.ldif (slapadd, via ldap-ctl.sh load) and
 *     /tmp/bench-groups.ldif (ldapadd against the running server). slapadd runs no overlays,
 *     so only groups added over LDAP get memberOf on their members; behorig's reader reads
 *     the groups' member lists and does not need memberOf, so one file is enough for it.
 *   Without --out the whole LDIF goes to stdout. --base DN (default ou=bench,dc=exempel,dc=se)
 *   is written as the first entry unless --no-base-entry; its parent must exist.
 */
import { createWriteStream, realpathSync } from 'node:fs'
import { Readable, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { pathToFileURL } from 'node:url'
import { pick, random } from './seeded-random.js'

export interface LdapFixtureOptions {
  users?: number
  groups?: number
  baseDn?: string
  /** Write the base entry itself (an organizationalUnit). Default true. */
  baseEntry?: boolean
  seed?: number
}

export type LdapAttributes = Record<string, string | string[]>

const FORVALTNINGAR = ['Socialförvaltningen', 'Utbildningsförvaltningen', 'Vård- och omsorgsförvaltningen', 'Stadsbyggnadsförvaltningen', 'Kultur- och fritidsförvaltningen', 'Miljöförvaltningen', 'Serviceförvaltningen', 'Arbetsmarknadsförvaltningen', 'Stadsledningskontoret', 'Förskoleförvaltningen']
const AVDELNINGAR = ['Ekonomiskt bistånd', 'Barn och unga', 'Vuxna, missbruk och beroende', 'Äldreomsorg', 'Funktionsnedsättning', 'Familjerätt', 'Grundskola', 'Gymnasium', 'Hemtjänst', 'Särskilt boende', 'Ekonomi', 'Personal']
const OMRADEN = ['Norr', 'Söder', 'Öster', 'Väster', 'Centrum', 'Hägersten', 'Älvsjö', 'Årsta', 'Skärholmen', 'Bromma', 'Kista', 'Östermalm']
const GIVEN = ['Anna', 'Eva', 'Maria', 'Karin', 'Sara', 'Åsa', 'Ingrid', 'Märta', 'Lena', 'Emma', 'Johan', 'Lars', 'Mikael', 'Anders', 'Erik', 'Per', 'Björn', 'Örjan', 'Göran', 'Mohammed', 'Ali', 'Fatima', 'Leyla', 'Jörgen', 'Åke']
const FAMILY = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Pettersson', 'Jönsson', 'Löfgren', 'Sjöberg', 'Åberg', 'Ström', 'Hussein', 'Yilmaz', 'Öberg', 'Bäckström']

/** One LDIF record (RFC 2849); values that are not SAFE-STRINGs (non-ASCII, leading space or colon…) are base64. */
export function ldifRecord (dn: string, attributes: LdapAttributes): string {
  let text = ldifLine('dn', dn)
  for (const [name, value] of Object.entries(attributes)) {
    for (const v of Array.isArray(value) ? value : [value]) text += ldifLine(name, v)
  }
  return text + '\n'
}

function ldifLine (name: string, value: string): string {
  // RFC 2849 SAFE-STRING: ASCII without NUL, CR, LF; not starting with space, ':' or '<'; we also base64 a trailing space.
  // eslint-disable-next-line no-control-regex -- RFC 2849 defines SAFE-STRING by its control characters
  const safe = /^(?:[\x01-\x09\x0B\x0C\x0E-\x1F\x21-\x39\x3B\x3D-\x7F][\x01-\x09\x0B\x0C\x0E-\x7F]*)?$/.test(value) && !value.endsWith(' ')
  return safe ? `${name}: ${value}\n` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}\n`
}

/** An attribute value escaped for use in a DN (RFC 4514 §2.4). */
export function rdnValue (value: string): string {
  return value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`).replace(/^[ #]/, (c) => `\\${c}`).replace(/ $/, '\\ ')
}

/** The entries in load order (every parent before its children): OUs, people, then groups. */
export function * ldapFixtureEntries (options: LdapFixtureOptions = {}): Generator<{ dn: string, attributes: LdapAttributes, kind: 'ou' | 'user' | 'group' }> {
  const o = withDefaults(options)
  const ou = (name: string): LdapAttributes => ({ objectClass: ['top', 'organizationalUnit'], ou: name })
  if (o.baseEntry) yield { dn: o.baseDn, attributes: ou(firstRdnValue(o.baseDn)), kind: 'ou' }
  for (const top of ['people', 'groups']) yield { dn: `ou=${top},${o.baseDn}`, attributes: ou(top), kind: 'ou' }
  const layout = unitLayout(o.users)
  for (const f of layout.forvaltningar) {
    yield { dn: `ou=${rdnValue(f)},ou=people,${o.baseDn}`, attributes: ou(f), kind: 'ou' }
    yield { dn: `ou=${rdnValue(f)},ou=groups,${o.baseDn}`, attributes: ou(f), kind: 'ou' }
  }
  for (let e = 0; e < layout.enheter; e++) yield { dn: `${enhetRdn(e)},${forvaltningRdn(e, layout)},ou=people,${o.baseDn}`, attributes: ou(enhetName(e)), kind: 'ou' }
  for (let i = 0; i < o.users; i++) yield { dn: userDn(i, layout, o.baseDn), attributes: userAttributes(i, o.seed), kind: 'user' }
  for (let g = 0; g < o.groups; g++) yield { dn: groupDn(g, layout, o.baseDn), attributes: groupAttributes(g, o, layout), kind: 'group' }
}

/** LDIF text in chunks of about 64 kB; `part` picks users (with the OUs), groups, or both. */
export function * ldapFixtureLdif (options: LdapFixtureOptions = {}, part: 'all' | 'users' | 'groups' = 'all'): Generator<string> {
  let buffer = ''
  for (const entry of ldapFixtureEntries(options)) {
    if (part === 'users' && entry.kind === 'group') continue
    if (part === 'groups' && entry.kind !== 'group') continue
    buffer += ldifRecord(entry.dn, entry.attributes)
    if (buffer.length >= 65536) {
      yield buffer
      buffer = ''
    }
  }
  if (buffer) yield buffer
}

interface Layout { forvaltningar: string[], enheter: number }
type FixtureSettings = Required<LdapFixtureOptions>

function withDefaults (o: LdapFixtureOptions): FixtureSettings {
  return { users: o.users ?? 100_000, groups: o.groups ?? 10_000, baseDn: o.baseDn ?? 'ou=bench,dc=exempel,dc=se', baseEntry: o.baseEntry ?? true, seed: o.seed ?? 1 }
}

function unitLayout (users: number): Layout {
  return { forvaltningar: FORVALTNINGAR, enheter: Math.max(1, Math.min(AVDELNINGAR.length * OMRADEN.length * 4, Math.ceil(users / 250))) }
}

function enhetName (e: number): string {
  const round = Math.floor(e / (AVDELNINGAR.length * OMRADEN.length))
  return `${AVDELNINGAR[e % AVDELNINGAR.length]} ${OMRADEN[Math.floor(e / AVDELNINGAR.length) % OMRADEN.length]}${round > 0 ? ` ${round + 1}` : ''}`
}

const enhetRdn = (e: number): string => `ou=${rdnValue(enhetName(e))}`
const forvaltningRdn = (e: number, layout: Layout): string => `ou=${rdnValue(layout.forvaltningar[e % layout.forvaltningar.length] as string)}`
const userDn = (i: number, layout: Layout, base: string): string => {
  const e = i % layout.enheter
  return `uid=u${i},${enhetRdn(e)},${forvaltningRdn(e, layout)},ou=people,${base}`
}
const groupDn = (g: number, layout: Layout, base: string): string => `cn=grp-${g},${forvaltningRdn(g, layout)},ou=groups,${base}`

function userAttributes (i: number, seed: number): LdapAttributes {
  const rnd = random(seed * 1_000_003 + i)
  const given = pick(rnd, GIVEN)
  const family = pick(rnd, FAMILY)
  const kind = rnd()
  const attributes: LdapAttributes = {
    objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
    uid: `u${i}`,
    cn: `${given} ${family}`,
    sn: family,
    givenName: given,
    displayName: `${given} ${family}`,
    mail: `${ascii(given)}.${ascii(family)}.${i}@exempel.se`
  }
  if (kind >= 0.01) attributes.employeeNumber = String(100_000 + i)
  if (kind >= 0.01 && kind < 0.02) attributes.employeeType = 'disabled'
  return attributes
}

function groupAttributes (g: number, o: FixtureSettings, layout: Layout): LdapAttributes {
  const rnd = random(o.seed * 7_000_003 + g)
  const average = Math.max(1, Math.round((3 * o.users) / Math.max(1, o.groups)))
  const size = Math.max(1, Math.round(average * (0.5 + rnd())))
  const members = new Set<string>()
  for (let k = 0; k < size && o.users > 0; k++) members.add(userDn(Math.floor(rnd() * o.users), layout, o.baseDn))
  // A tenth nest earlier groups (no cycle); pairs g, g+1 at every thousand form a cycle.
  if (g >= 10 && rnd() < 0.1) for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) members.add(groupDn(Math.floor(rnd() * g), layout, o.baseDn))
  if (g % 1000 === 0 && g + 1 < o.groups) members.add(groupDn(g + 1, layout, o.baseDn))
  if (g % 1000 === 1) members.add(groupDn(g - 1, layout, o.baseDn))
  if (members.size === 0) members.add(groupDn(g, layout, o.baseDn)) // groupOfNames needs one member
  return { objectClass: ['top', 'groupOfNames'], cn: `grp-${g}`, description: `Grupp ${g}`, member: [...members] }
}

function ascii (name: string): string {
  return name.toLowerCase().replace(/[åä]/g, 'a').replace(/ö/g, 'o')
}

function firstRdnValue (dn: string): string {
  return dn.slice(dn.indexOf('=') + 1).split(/(?<!\\),/)[0] as string
}

async function write (chunks: Iterable<string>, target: Writable): Promise<void> {
  await pipeline(Readable.from(chunks), target)
}

function parseArguments (argv: string[]): { options: LdapFixtureOptions, out: string | undefined, split: boolean } {
  const value = (name: string): string | undefined => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined }
  const number = (name: string): number | undefined => value(name) === undefined ? undefined : Number(value(name))
  const options: LdapFixtureOptions = { baseEntry: !argv.includes('--no-base-entry') }
  for (const name of ['users', 'groups', 'seed'] as const) {
    const n = number(name)
    if (n !== undefined) {
      if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`)
      options[name] = n
    }
  }
  const base = value('base')
  if (base !== undefined) options.baseDn = base
  return { options, out: value('out'), split: argv.includes('--split') }
}

// Run as a command also when started through a symlink: argv[1] is the path as typed, import.meta.url the real one.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const { options, out, split } = parseArguments(process.argv.slice(2))
  if (out === undefined) await write(ldapFixtureLdif(options), process.stdout)
  else if (!split) await write(ldapFixtureLdif(options), createWriteStream(`${out}.ldif`))
  else {
    await write(ldapFixtureLdif(options, 'users'), createWriteStream(`${out}-users.ldif`))
    await write(ldapFixtureLdif(options, 'groups'), createWriteStream(`${out}-groups.ldif`))
  }
}
