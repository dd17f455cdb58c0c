// An app for the mapping API tests: its own catalog folder (a copy of the shipped catalogs,
// whose socialtjanst 1.1.0 deprecates the state-grant attributes), a pinned evaluation day,
// and builders for the HR snapshot and directory data the mappings are evaluated against.
import t from 'tap'
import { cpSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { adminHeaders, buildTestApp, openTestStore, type TestApp } from '../../helpers/app.js'
import { createHrSource, importAndWait } from '../../helpers/sync.js'
import { defaultCatalogDir } from '../../../src/catalog/catalog-loader.js'
import type { AppDependencies } from '../../../src/app.js'
import type { AccountRecord, GroupRecord } from '../../../src/sources/source-records.js'

/** The evaluation day the tests pin: 1 June 2025, noon in Sweden. */
export const TODAY = '2025-06-01'
export const NOW = new Date('2025-06-01T10:00:00Z')

export async function mappingTestApp (deps: AppDependencies = {}): Promise<TestApp> {
  const store = await openTestStore()
  const dir = t.testdir()
  cpSync(defaultCatalogDir(), dir, { recursive: true })
  return buildTestApp(store, { BEHORIG_CATALOG_DIR: dir }, { now: () => NOW, ...deps })
}

/** soc → soc-eb → soc-eb-norr, soc-eb-syd; soc → soc-bu, soc-jour; vof → vof-lss. */
export const UNITS = [
  { id: 'soc', name: 'Socialförvaltningen', parent_id: null, kind: 'forvaltning', hsa_id: null },
  { id: 'soc-eb', name: 'Ekonomiskt bistånd', parent_id: 'soc', kind: 'avdelning', hsa_id: null },
  { id: 'soc-eb-norr', name: 'Ekonomiskt bistånd norr', parent_id: 'soc-eb', kind: 'enhet', hsa_id: null },
  { id: 'soc-eb-syd', name: 'Ekonomiskt bistånd syd', parent_id: 'soc-eb', kind: 'enhet', hsa_id: null },
  { id: 'soc-bu', name: 'Barn och unga', parent_id: 'soc', kind: 'enhet', hsa_id: null },
  { id: 'soc-jour', name: 'Socialjouren', parent_id: 'soc', kind: 'enhet', hsa_id: null },
  { id: 'vof', name: 'Vård- och omsorgsförvaltningen', parent_id: null, kind: 'forvaltning', hsa_id: null },
  { id: 'vof-lss', name: 'LSS-enheten', parent_id: 'vof', kind: 'enhet', hsa_id: null }
]

export interface Job {
  employee_number: string
  employment_id?: string
  unit_id: string
  position_code?: string | null
  title?: string | null
  employment_type?: string
  start_date?: string
  end_date?: string | null
  extent?: number | null
}

/** A JSON HR snapshot: the units above and one employment per job (defaults: socialsekreterare, tillsvidare, full time since 2021). */
export function snapshot (jobs: Job[], units = UNITS): string {
  return JSON.stringify({
    units,
    employments: jobs.map((j, i) => ({
      employment_id: j.employment_id ?? `E-${j.employee_number}-${i}`,
      employee_number: j.employee_number,
      given_name: 'Test',
      family_name: `Person ${j.employee_number}`,
      email: `p${j.employee_number}@exempel.se`,
      personal_identity_number: null,
      service_id: null,
      unit_id: j.unit_id,
      position_code: j.position_code === undefined ? '151010' : j.position_code,
      title: j.title === undefined ? 'Socialsekreterare' : j.title,
      employment_type: j.employment_type ?? 'tillsvidare',
      start_date: j.start_date ?? '2021-03-01',
      end_date: j.end_date ?? null,
      extent: j.extent === undefined ? 100 : j.extent
    }))
  })
}

/** Creates the hr source (first time) and imports the snapshot; fails the test if the run does not succeed. */
export async function importJobs (app: FastifyInstance, org: string, jobs: Job[], first = true, units = UNITS) {
  if (first) await createHrSource(app, org, 'hr', { max_end_percent: 100 })
  const run = await importAndWait(app, org, snapshot(jobs, units), 'application/json')
  if (run.state !== 'succeeded') throw new Error(`import did not succeed: ${JSON.stringify(run)}`)
  return run
}

export const GROUPS_DN = 'ou=groups,dc=exempel,dc=se'
export const groupDn = (cn: string): string => `cn=${cn.toLowerCase()},${GROUPS_DN}`
export const accountDn = (employeeNumber: string): string => `uid=u${employeeNumber},ou=people,dc=exempel,dc=se`

export function account (employeeNumber: string): AccountRecord {
  return { unique_id: `acc-${employeeNumber}`, dn: accountDn(employeeNumber), employee_number: employeeNumber, email: null, display_name: null, given_name: null, family_name: null, disabled: false }
}

export function group (cn: string, members: string[]): GroupRecord {
  return { dn: groupDn(cn), cn, members }
}

/** A directory push through the sync engine (as a SCIM source's write is): accounts, groups and nested membership resolved for real. */
export async function pushDirectory (app: FastifyInstance, org: string, change: { accounts?: AccountRecord[], groups?: GroupRecord[], removeGroups?: string[] }, first = true) {
  if (first) {
    const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'scim', kind: 'scim' } })
    if (res.statusCode !== 201) throw new Error(`creating scim source failed: ${res.statusCode} ${res.body}`)
  }
  return app.behorig.engine.push(org, 'scim', async () => ({ result: null, ...change }))
}

export async function submit (app: FastifyInstance, org: string, body: string, contentType = 'application/yaml', headers: Record<string, string> = adminHeaders) {
  return app.inject({ method: 'POST', url: `/v1/organisations/${org}/mappings`, headers: { ...headers, 'content-type': contentType }, payload: body })
}

/** Submits and publishes; returns the version number. */
export async function publishMapping (app: FastifyInstance, org: string, body: string): Promise<number> {
  const created = await submit(app, org, body)
  if (created.statusCode !== 201) throw new Error(`submit failed: ${created.statusCode} ${created.body}`)
  const version = created.json().version as number
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/mappings/${version}/publish`, headers: adminHeaders })
  if (res.statusCode !== 200) throw new Error(`publish failed: ${res.statusCode} ${res.body}`)
  return version
}

/** A mapping document in YAML with the given rules (YAML text, indented as list items). */
export function mappingYaml (rules: string, catalogVersion = '1.0.0'): string {
  return `domain: socialtjanst\ncatalog_version: ${catalogVersion}\nrules:\n${rules}`
}

export async function personByNumber (app: FastifyInstance, org: string, employeeNumber: string) {
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?employee_number=${employeeNumber}`, headers: adminHeaders })
  const found = res.json().items[0]
  if (!found) throw new Error(`no person ${employeeNumber}`)
  return found as { id: string, employments: Array<{ id: string, unit_id: string }>, groups: Array<{ dn: string, via: string[] }>, attributes: Array<{ id: string, unit_id: string | null, valid_from: string, valid_until: string | null, mapping_version: number, provenance: Array<{ rule_id: string, employment_ids: string[], group_dns: string[], group_via: Record<string, string[]> }>, computed_at: string }> }
}

/** "attribute@unit" for each of the person's attributes, sorted. */
export async function heldBy (app: FastifyInstance, org: string, employeeNumber: string): Promise<string[]> {
  return (await personByNumber(app, org, employeeNumber)).attributes.map((a) => `${a.id}@${a.unit_id ?? '*'}`).sort()
}

/**
 * Resolves when the recompute for `runId` has finished: the engine calls people-changed
 * subscribers in order, and this one is subscribed after the recompute.
 */
export function recomputes (app: FastifyInstance): { after: (runId: string) => Promise<void> } {
  const done = new Set<string>()
  const waiting = new Map<string, () => void>()
  app.behorig.engine.events.subscribe(async ({ runId }) => {
    done.add(runId)
    waiting.get(runId)?.()
  })
  return {
    after: async (runId) => {
      if (done.has(runId)) return
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no recompute for run ${runId}`)), 20_000)
        waiting.set(runId, () => { clearTimeout(timer); resolve() })
      })
    }
  }
}
