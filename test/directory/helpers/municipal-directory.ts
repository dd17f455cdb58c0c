/**
 * A small, realistic municipal directory for the directory tests, built under any base DN:
 *
 *   ou=people  förvaltningar → enheter as OUs, 23 inetOrgPerson entries with Swedish names,
 *              employeeNumber, mail, displayName. Örjan Åberg is disabled (employeeType:
 *              disabled — OpenLDAP has no standard flag; the source config names it with
 *              attributes.disabled and disabled_attribute). Nils Berg is a consultant with
 *              no employee number, so no HR match. "Lindqvist, Per" has a comma in his cn.
 *   ou=groups  SOC-EB-Handlaggare ⊃ SOC-EB-Norr, SOC-EB-Syd ⊃ people; Alla-medarbetare ⊃
 *              SOC-EB-Handlaggare (three levels); two groups both cn=Handläggare under
 *              different OUs; a cycle Cykel-A ⊃ Cykel-B ⊃ Cykel-A; VOF-Hemtjanst is a
 *              groupOfUniqueNames.
 */
import { rdnValue, type LdapAttributes } from '../../../scripts/bench/ldap-fixture.js'
import type { Test } from 'tap'
import { freshLdapOu, withLdapAdmin, type LdapSettings } from '../../helpers/services.js'
import { parseLdapSourceConfig, type LdapSourceConfig } from '../../../src/directory/ldap-source-config.js'

export interface FixtureEntry { dn: string, attributes: LdapAttributes }

interface Person { key: string, given: string, family: string, cn?: string, display?: string, employeeNumber?: string, mail: string, disabled?: boolean }

const UNITS: Array<[string, string, Person[]]> = [
  ['Socialförvaltningen', 'Ekonomiskt bistånd norr', [
    { key: 'anna', given: 'Anna', family: 'Svensson', employeeNumber: '100234', mail: 'anna.svensson@exempel.se' },
    { key: 'asa', given: 'Åsa', family: 'Öberg', employeeNumber: '100301', mail: 'asa.oberg@exempel.se' },
    { key: 'bjorn', given: 'Björn', family: 'Ström', employeeNumber: '100302', mail: 'bjorn.strom@exempel.se' },
    { key: 'per', given: 'Per', family: 'Lindqvist', cn: 'Lindqvist, Per', employeeNumber: '100303', mail: 'per.lindqvist@exempel.se' }
  ]],
  ['Socialförvaltningen', 'Ekonomiskt bistånd syd', [
    { key: 'marta', given: 'Märta', family: 'Sjöberg', employeeNumber: '100401', mail: 'marta.sjoberg@exempel.se' },
    { key: 'goran', given: 'Göran', family: 'Bäckström', employeeNumber: '100402', mail: 'goran.backstrom@exempel.se' },
    { key: 'leyla', given: 'Leyla', family: 'Yilmaz', employeeNumber: '100403', mail: 'leyla.yilmaz@exempel.se' },
    { key: 'orjan', given: 'Örjan', family: 'Åberg', employeeNumber: '100404', mail: 'orjan.aberg@exempel.se', disabled: true }
  ]],
  ['Socialförvaltningen', 'Barn och unga', [
    { key: 'karin', given: 'Karin', family: 'Nilsson', employeeNumber: '100501', mail: 'karin.nilsson@exempel.se' },
    { key: 'mohammed', given: 'Mohammed', family: 'Hussein', employeeNumber: '100502', mail: 'mohammed.hussein@exempel.se' },
    { key: 'eva', given: 'Eva', family: 'Löfgren', employeeNumber: '100503', mail: 'eva.lofgren@exempel.se' },
    { key: 'jorgen', given: 'Jörgen', family: 'Pettersson', employeeNumber: '100504', mail: 'jorgen.pettersson@exempel.se' }
  ]],
  ['Utbildningsförvaltningen', 'Grundskola norr', [
    { key: 'ingrid', given: 'Ingrid', family: 'Karlsson', employeeNumber: '200101', mail: 'ingrid.karlsson@exempel.se' },
    { key: 'johan', given: 'Johan', family: 'Eriksson', employeeNumber: '200102', mail: 'johan.eriksson@exempel.se' },
    { key: 'sara', given: 'Sara', family: 'Johansson', employeeNumber: '200103', mail: 'sara.johansson@exempel.se' }
  ]],
  ['Vård- och omsorgsförvaltningen', 'Hemtjänst centrum', [
    { key: 'fatima', given: 'Fatima', family: 'Ali', employeeNumber: '300101', mail: 'fatima.ali@exempel.se' },
    { key: 'lars', given: 'Lars', family: 'Olsson', employeeNumber: '300102', mail: 'lars.olsson@exempel.se' },
    { key: 'emma', given: 'Emma', family: 'Persson', employeeNumber: '300103', mail: 'emma.persson@exempel.se' },
    { key: 'ake', given: 'Åke', family: 'Gustafsson', employeeNumber: '300104', mail: 'ake.gustafsson@exempel.se' }
  ]],
  ['Stadsledningskontoret', 'IT-enheten', [
    { key: 'mikael', given: 'Mikael', family: 'Larsson', employeeNumber: '400101', mail: 'mikael.larsson@exempel.se' },
    { key: 'erik', given: 'Erik', family: 'Andersson', employeeNumber: '400102', mail: 'erik.andersson@exempel.se' },
    { key: 'nils', given: 'Nils', family: 'Berg', mail: 'nils.berg@konsultbolaget.se' },
    { key: 'lena', given: 'Lena', family: 'Holm', display: 'Lena Holm (vikarie)', employeeNumber: '400103', mail: 'lena.holm@exempel.se' }
  ]]
]

export const USER_KEYS = UNITS.flatMap(([, , people]) => people.map((p) => p.key))
export type UserKey = typeof USER_KEYS[number]

export interface MunicipalDirectory {
  baseDn: string
  peopleDn: string
  groupsDn: string
  /** In load order: parents before children. */
  entries: FixtureEntry[]
  /** DN of each person, by key (`anna`, `orjan`…). */
  users: Record<string, string>
  /** Employee number of each person (null for the consultant), by key. */
  employeeNumbers: Record<string, string | null>
  /** mail of each person, by key. */
  emails: Record<string, string>
  /** DN of each group, by a short name. */
  groups: {
    ebHandlaggare: string,
    ebNorr: string,
    ebSyd: string,
    alla: string,
    handlaggareEb: string,
    handlaggareBou: string,
    cykelA: string,
    cykelB: string,
    hemtjanst: string
  }
}

export function municipalDirectory (baseDn: string): MunicipalDirectory {
  const peopleDn = `ou=people,${baseDn}`
  const groupsDn = `ou=groups,${baseDn}`
  const entries: FixtureEntry[] = [ou(peopleDn, 'people'), ou(groupsDn, 'groups')]
  const users: Record<string, string> = {}
  const employeeNumbers: Record<string, string | null> = {}
  const emails: Record<string, string> = {}
  const ous = new Set<string>()
  for (const [forvaltning, enhet, people] of UNITS) {
    const fDn = `ou=${rdnValue(forvaltning)},${peopleDn}`
    if (!ous.has(fDn)) entries.push(ou(fDn, forvaltning))
    ous.add(fDn)
    const eDn = `ou=${rdnValue(enhet)},${fDn}`
    entries.push(ou(eDn, enhet))
    for (const p of people) {
      const cn = p.cn ?? `${p.given} ${p.family}`
      users[p.key] = `cn=${rdnValue(cn)},${eDn}`
      employeeNumbers[p.key] = p.employeeNumber ?? null
      emails[p.key] = p.mail
      entries.push({ dn: users[p.key] as string, attributes: person(p, cn) })
    }
  }
  const socGroups = `ou=Socialförvaltningen,${groupsDn}`
  const groups = {
    ebHandlaggare: `cn=SOC-EB-Handlaggare,${socGroups}`,
    ebNorr: `cn=SOC-EB-Norr,${socGroups}`,
    ebSyd: `cn=SOC-EB-Syd,${socGroups}`,
    handlaggareEb: `cn=Handläggare,ou=Ekonomiskt bistånd,${socGroups}`,
    handlaggareBou: `cn=Handläggare,ou=Barn och unga,${socGroups}`,
    alla: `cn=Alla-medarbetare,${groupsDn}`,
    cykelA: `cn=Cykel-A,${groupsDn}`,
    cykelB: `cn=Cykel-B,${groupsDn}`,
    hemtjanst: `cn=VOF-Hemtjanst,${groupsDn}`
  }
  const u = (...keys: string[]): string[] => keys.map((k) => users[k] as string)
  entries.push(
    ou(socGroups, 'Socialförvaltningen'),
    ou(`ou=Ekonomiskt bistånd,${socGroups}`, 'Ekonomiskt bistånd'),
    ou(`ou=Barn och unga,${socGroups}`, 'Barn och unga'),
    group(groups.ebNorr, u('anna', 'asa', 'bjorn', 'per')),
    group(groups.ebSyd, u('marta', 'goran', 'leyla', 'orjan')),
    group(groups.ebHandlaggare, [groups.ebNorr, groups.ebSyd]),
    group(groups.handlaggareEb, u('anna', 'marta')),
    group(groups.handlaggareBou, u('karin', 'mohammed')),
    // Spelled differently from the entries' own DNs (case, spaces): membership is by DN, not by spelling.
    group(groups.alla, [groups.ebHandlaggare.toUpperCase(), groups.hemtjanst, spaced(users['mikael'] as string)]),
    group(groups.cykelA, [groups.cykelB, ...u('erik')]),
    group(groups.cykelB, [groups.cykelA, ...u('mikael')]),
    { dn: groups.hemtjanst, attributes: { objectClass: ['top', 'groupOfUniqueNames'], cn: 'VOF-Hemtjanst', uniqueMember: [...u('fatima', 'lars', 'emma'), `${users['ake'] as string}#'0101'B`] } }
  )
  return { baseDn, peopleDn, groupsDn, entries, users, employeeNumbers, emails, groups }
}

/** Adds the entries over LDAP (so overlays such as memberof run), bound as the test server's admin. */
export async function loadEntries (ldap: LdapSettings, entries: FixtureEntry[]): Promise<void> {
  await withLdapAdmin(ldap, async (client) => {
    for (const entry of entries) await client.add(entry.dn, entry.attributes)
  })
}

/** The directory loaded under a fresh OU of its own, dropped when `t` ends. */
export async function loadMunicipalDirectory (t: Pick<Test, 'teardown'>, ldap: LdapSettings): Promise<MunicipalDirectory> {
  const ou = await freshLdapOu(ldap)
  t.teardown(ou.drop)
  const directory = municipalDirectory(ou.baseDN)
  await loadEntries(ldap, directory.entries)
  return directory
}

/** The ldap source document for this directory (employeeType: disabled marks disabled accounts). */
export function fixtureDocument (ldap: LdapSettings, directory: MunicipalDirectory, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    url: ldap.url,
    bind_dn: ldap.bindDN,
    bind_password: ldap.bindPassword,
    user_base_dn: directory.peopleDn,
    group_base_dn: directory.groupsDn,
    group_filter: '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))',
    attributes: { disabled: 'employeeType' },
    disabled_attribute: { values: ['disabled'] },
    timeout_seconds: 10,
    ...overrides
  }
}

/** The ldap source config for this directory, as a stored source would hold it (schema defaults filled in). */
export function fixtureConfig (ldap: LdapSettings, directory: MunicipalDirectory, overrides: Record<string, unknown> = {}): LdapSourceConfig {
  return parseLdapSourceConfig(fixtureDocument(ldap, directory, overrides))
}

function ou (dn: string, name: string): FixtureEntry {
  return { dn, attributes: { objectClass: ['top', 'organizationalUnit'], ou: name } }
}

function group (dn: string, members: string[]): FixtureEntry {
  const cn = /^cn=([^,]+)/.exec(dn)?.[1] as string
  return { dn, attributes: { objectClass: ['top', 'groupOfNames'], cn, member: members } }
}

function person (p: Person, cn: string): LdapAttributes {
  return {
    objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
    cn,
    sn: p.family,
    givenName: p.given,
    displayName: p.display ?? `${p.given} ${p.family}`,
    uid: p.mail.split('@')[0] as string,
    mail: p.mail,
    ...(p.employeeNumber ? { employeeNumber: p.employeeNumber } : {}),
    ...(p.disabled ? { employeeType: 'disabled' } : {})
  }
}

/** `CN = Mikael Larsson , OU = …`: the same DN with other case and spaces around `=` and `,`. */
function spaced (dn: string): string {
  return dn.replace(/^cn=/, 'CN = ').replace(/,ou=/g, ' , OU = ')
}
