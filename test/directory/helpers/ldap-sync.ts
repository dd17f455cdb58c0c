/**
 * End-to-end steps for ldap sources, through the HTTP API and the job queue: the HR
 * snapshot that makes the people, the ldap source over a municipal directory, runs, and
 * what a person ends up with. Changes to the directory go through ldapts, as an admin's
 * tools would make them.
 */
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { Attribute, Change } from 'ldapts'
import { adminHeaders, type TestApp } from '../../helpers/app.js'
import { withLdapAdmin, type LdapSettings } from '../../helpers/services.js'
import { createHrSource, csv, importAndWait, waitForRun, type Row } from '../../helpers/sync.js'
import { dnKey } from '../../../src/directory/directory-records.js'
import { parseGeneralizedTime } from '../../../src/directory/generalized-time.js'
import { fixtureDocument, loadMunicipalDirectory, USER_KEYS, type MunicipalDirectory } from './municipal-directory.js'

export interface MunicipalitySetup {
  /** HR rows for the directory's people (default: hrRows(directory)). */
  hr?: (directory: MunicipalDirectory) => Row[]
  /** Source config members over ldapSourceConfig's. */
  config?: Record<string, unknown>
  source?: LdapSourceOptions
}

/**
 * A municipality of its own for one test: the municipal directory under a fresh OU (dropped
 * at teardown), a new organisation, its people imported from HR, and an ldap source `ad`.
 */
export async function setUpMunicipality (t: Test, testApp: TestApp, ldap: LdapSettings, setup: MunicipalitySetup = {}): Promise<{ org: string, directory: MunicipalDirectory }> {
  const directory = await loadMunicipalDirectory(t, ldap)
  const org = await testApp.createOrganisation()
  await importPeople(testApp.app, org, (setup.hr ?? hrRows)(directory))
  await createLdapSource(testApp.app, org, ldapSourceConfig(ldap, directory, setup.config), setup.source)
  return { org, directory }
}

/**
 * One HR employment per person of the directory who has an employee number, with the same
 * employee number and e-mail. `changes` replaces fields of a person's row, or (null) leaves
 * the person out of HR; `extra` adds people HR knows and the directory does not.
 */
export function hrRows (directory: MunicipalDirectory, changes: Record<string, Partial<Row> | null> = {}, extra: Row[] = []): Row[] {
  const rows: Row[] = []
  for (const key of USER_KEYS) {
    const employeeNumber = directory.employeeNumbers[key]
    const change = changes[key]
    if (change === null || (employeeNumber === null && change === undefined)) continue
    rows.push({ employee_number: employeeNumber ?? `hr-${key}`, email: directory.emails[key] as string, unit_id: 'soc', ...change })
  }
  return [...rows, ...extra]
}

/** Registers the organisation's HR source and imports `rows`; throws unless the run succeeds. */
export async function importPeople (app: FastifyInstance, org: string, rows: Row[]): Promise<void> {
  await createHrSource(app, org, 'hr', { max_end_percent: 100 })
  const run = await importAndWait(app, org, csv(rows))
  if (run.state !== 'succeeded') throw new Error(`HR import ${run.state}: ${JSON.stringify(run)}`)
}

/** An ldap source document for the municipal directory (employeeType: disabled marks disabled accounts). */
export function ldapSourceConfig (ldap: LdapSettings, directory: MunicipalDirectory, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return fixtureDocument(ldap, directory, { timeout_seconds: 5, ...overrides })
}

export interface LdapSourceOptions { id?: string, maxEndPercent?: number, schedule?: string }

export async function createLdapSource (app: FastifyInstance, org: string, config: Record<string, unknown>, options: LdapSourceOptions = {}): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org}/sources`,
    headers: adminHeaders,
    payload: { id: options.id ?? 'ad', kind: 'ldap', safety: { max_end_percent: options.maxEndPercent ?? 10 }, ...(options.schedule ? { schedule: options.schedule } : {}), config }
  })
  if (res.statusCode !== 201) throw new Error(`creating the ldap source failed: ${res.statusCode} ${res.body}`)
}

/** Replaces the source's config (secrets left out keep their stored values). */
export async function replaceLdapSource (app: FastifyInstance, org: string, config: Record<string, unknown>, options: LdapSourceOptions = {}): Promise<void> {
  const res = await app.inject({
    method: 'PUT',
    url: `/v1/organisations/${org}/sources/${options.id ?? 'ad'}`,
    headers: adminHeaders,
    payload: { kind: 'ldap', safety: { max_end_percent: options.maxEndPercent ?? 10 }, config }
  })
  if (res.statusCode !== 200) throw new Error(`replacing the ldap source failed: ${res.statusCode} ${res.body}`)
}

/** Starts a run (POST …/sync, `?mode=full` when asked) and waits until it settles. */
export async function syncAndWait (app: FastifyInstance, org: string, mode?: 'full', source = 'ad') {
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/${source}/sync${mode ? `?mode=${mode}` : ''}`, headers: adminHeaders })
  if (res.statusCode !== 202) throw new Error(`starting the run failed: ${res.statusCode} ${res.body}`)
  return waitForRun(app, org, res.json().run_id)
}

export interface PersonGroup { dn: string, source: string, via: string[] }

/** The person HR knows by `employeeNumber`, as GET …/people/{id} shows them. */
export async function person (app: FastifyInstance, org: string, employeeNumber: string) {
  const list = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?employee_number=${encodeURIComponent(employeeNumber)}`, headers: adminHeaders })
  const found = list.json().items[0]
  if (!found) throw new Error(`no person with employee number ${employeeNumber}`)
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people/${found.id}`, headers: adminHeaders })
  return res.json() as { id: string, employee_number: string, groups: PersonGroup[] }
}

/** The person's groups as `{ group dnKey: via dnKeys }`. */
export async function groupsOf (app: FastifyInstance, org: string, employeeNumber: string): Promise<Record<string, string[]>> {
  return Object.fromEntries((await person(app, org, employeeNumber)).groups.map((g) => [g.dn, g.via]))
}

/** `{ dnKey(group): via }` for expected memberships written with the fixture's DNs. */
export function expectedGroups (...memberships: Array<[string, string[]]>): Record<string, string[]> {
  return Object.fromEntries(memberships.map(([dn, via]) => [dnKey(dn), via.map(dnKey)]))
}

export function replace (type: string, values: string[]): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values }) })
}

/** The latest modifyTimestamp under `baseDn`, as ISO 8601: what a run reading it all takes as its mark (at most). */
export async function latestChange (ldap: LdapSettings, baseDn: string): Promise<string> {
  const { searchEntries } = await withLdapAdmin(ldap, (c) => c.search(baseDn, { scope: 'sub', attributes: ['modifyTimestamp'] }))
  return searchEntries.map((e) => parseGeneralizedTime(String(e['modifyTimestamp'])) as string).sort().at(-1) as string
}

/**
 * Sets `attribute` of `dn` to `value`, again a moment later if need be (every modify
 * stamps the entry), until its modifyTimestamp (whole seconds) is later than `after`;
 * returns that timestamp.
 */
export async function modifyAfter (ldap: LdapSettings, dn: string, attribute: string, value: string, after: string): Promise<string> {
  return withLdapAdmin(ldap, async (client) => {
    for (let round = 0; round < 40; round++) {
      await client.modify(dn, replace(attribute, [value]))
      const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['modifyTimestamp'] })
      const stamp = parseGeneralizedTime(String(searchEntries[0]?.['modifyTimestamp'])) as string
      if (stamp > after) return stamp
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    throw new Error(`modifyTimestamp of ${dn} did not move past ${after}`)
  })
}
