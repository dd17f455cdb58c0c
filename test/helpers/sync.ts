import type { FastifyInstance } from 'fastify'
import { adminHeaders } from './app.js'

export interface Row {
  employee_number: string
  given_name?: string
  family_name?: string
  email?: string
  personal_identity_number?: string
  unit_id: string
  unit_name?: string
  parent_unit_id?: string
  unit_kind?: string
  position_code?: string
  title?: string
  employment_type?: string
  start_date?: string
  end_date?: string
  extent?: string
  hsa_id?: string
}

const COLUMNS = ['employee_number', 'given_name', 'family_name', 'email', 'personal_identity_number', 'unit_id', 'unit_name', 'parent_unit_id', 'unit_kind', 'position_code', 'title', 'employment_type', 'start_date', 'end_date', 'extent', 'hsa_id'] as const

/** A CSV snapshot as HR systems export it: `;`-separated, one row per employment. */
export function csv (rows: Row[], separator = ';'): string {
  const lines = [COLUMNS.join(separator)]
  for (const r of rows) {
    const full: Record<string, string> = { unit_name: `Enhet ${r.unit_id}`, employment_type: 'tillsvidare', start_date: '2020-01-01', extent: '100', ...r }
    lines.push(COLUMNS.map((c) => full[c] ?? '').join(separator))
  }
  return lines.join('\n') + '\n'
}

/** `n` staff in unit `unit`, employee numbers from `from`. */
export function staff (n: number, unit = 'soc-eb', from = 1000): Row[] {
  return Array.from({ length: n }, (_, i) => ({ employee_number: String(from + i), given_name: 'Anna', family_name: `Svensson ${i}`, unit_id: unit, position_code: '151010', title: 'Socialsekreterare' }))
}

export async function createHrSource (app: FastifyInstance, org: string, id = 'hr', safety?: { max_end_percent: number }): Promise<void> {
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id, kind: 'hr', ...(safety ? { safety } : {}) } })
  if (res.statusCode !== 201) throw new Error(`creating source failed: ${res.statusCode} ${res.body}`)
}

export async function upload (app: FastifyInstance, org: string, body: string, contentType = 'text/csv', source = 'hr') {
  return app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/${source}/imports`, headers: { ...adminHeaders, 'content-type': contentType }, payload: body })
}

export async function waitForRun (app: FastifyInstance, org: string, runId: string, until: (state: string) => boolean = (s) => !['queued', 'running'].includes(s)) {
  for (let i = 0; i < 600; i++) {
    const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs/${runId}`, headers: adminHeaders })
    const run = res.json()
    if (until(run.state)) return run
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`run ${runId} did not settle`)
}

/** Uploads and waits for the run to settle; returns the run. */
export async function importAndWait (app: FastifyInstance, org: string, body: string, contentType = 'text/csv', source = 'hr') {
  const res = await upload(app, org, body, contentType, source)
  if (res.statusCode !== 202) throw new Error(`import refused: ${res.statusCode} ${res.body}`)
  return waitForRun(app, org, res.json().run_id)
}
