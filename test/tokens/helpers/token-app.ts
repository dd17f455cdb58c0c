// An app with one municipality whose HR snapshot and mapping grant attributes, and helpers
// to register relying parties and ask for attribute tokens as an agency would.
import type { FastifyInstance } from 'fastify'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose'
import type { AppDependencies } from '../../../src/app.js'
import { clientAssertion, clientKey, registerRelyingParty, relyingPartyDocument, tokenRequest, type ClientKey } from '../../helpers/relying-party.js'
import { mappingYaml, publishMapping, snapshot, type Job } from '../../mapping/helpers/mapping-app.js'
import { createHrSource, importAndWait } from '../../helpers/sync.js'
import { buildTestApp, openTestStore, type TestApp } from '../../helpers/app.js'

export const ISSUER = 'https://behorig.test'
export const PIN = '198112289874'

/** 1001: eb caseworker at soc-eb-norr (with personnummer); 1002: eb caseworker and bu caseworker; 1003: no attributes. */
export const JOBS: Job[] = [
  { employee_number: '1001', unit_id: 'soc-eb-norr' },
  { employee_number: '1002', unit_id: 'soc-eb-syd' },
  { employee_number: '1002', unit_id: 'soc-bu' },
  { employee_number: '1003', unit_id: 'vof-lss', position_code: '521010', title: 'Undersköterska' }
]

export const MAPPING = mappingYaml(`  - id: eb
    when: { position_codes: ["151010"], unit_within: soc-eb }
    grant: [socialtjanst.eb.handlaggare]
  - id: bu
    when: { position_codes: ["151010"], unit_within: soc-bu }
    grant: [socialtjanst.bu.handlaggare]
`)

/** The HR snapshot of `jobs`, 1001 carrying a personnummer. */
export function snapshotWithPin (jobs: Job[]): string {
  const doc = JSON.parse(snapshot(jobs)) as { employments: Array<Record<string, unknown>> }
  for (const e of doc.employments) if (e['employee_number'] === '1001') e['personal_identity_number'] = PIN
  return JSON.stringify(doc)
}

export async function tokenTestApp (deps: AppDependencies = {}, env: Record<string, string> = {}): Promise<TestApp> {
  return buildTestApp(await openTestStore(), { BEHORIG_ISSUER: ISSUER, ...env }, deps)
}

/** An organisation with the HR snapshot (by default JOBS, 1001 with a personnummer) imported and the mapping published. */
export async function seededOrganisation (test: TestApp, name = 'Exempelkommun', hrSnapshot = snapshotWithPin(JOBS)): Promise<string> {
  const org = await test.createOrganisation(name)
  await createHrSource(test.app, org, 'hr', { max_end_percent: 100 })
  const run = await importAndWait(test.app, org, hrSnapshot, 'application/json')
  if (run.state !== 'succeeded') throw new Error(`import failed: ${JSON.stringify(run)}`)
  await publishMapping(test.app, org, MAPPING)
  return org
}

/** The HSA-id of the second organisation's employee 1001 in `loginOrganisations`. */
export const COMPANY_HSA_ID = 'SE2120001234-E1001'

/**
 * What the login tests need: two organisations behind one IdP, each with its own HR and
 * mapping, where employee 1001 exists in both as different people (the company's with
 * COMPANY_HSA_ID), and a third organisation the IdP does not serve.
 */
export async function loginOrganisations (test: TestApp): Promise<{ city: string, company: string, outsider: string }> {
  const city = await seededOrganisation(test, 'Exempelkommun')
  const company = await test.createOrganisation('Exempelkommun Bostäder AB')
  await createHrSource(test.app, company, 'hr', { max_end_percent: 100 })
  const companyHr = JSON.parse(snapshot([{ employee_number: '1001', unit_id: 'soc-eb-norr' }])) as { employments: Array<Record<string, unknown>> }
  for (const e of companyHr.employments) e['hsa_id'] = COMPANY_HSA_ID
  const run = await importAndWait(test.app, company, JSON.stringify(companyHr), 'application/json')
  if (run.state !== 'succeeded') throw new Error(`import failed: ${JSON.stringify(run)}`)
  await publishMapping(test.app, company, MAPPING)
  const outsider = await test.createOrganisation('Grannkommun')
  return { city, company, outsider }
}

export interface Agency { clientId: string, key: ClientKey, bearer (): Promise<{ authorization: string }> }

/** Registers a relying party (release policy in `overrides`) and returns a way to get its bearer header. */
export async function agency (app: FastifyInstance, clientId: string, overrides: Record<string, unknown> = {}, issuer = ISSUER): Promise<Agency> {
  const key = await clientKey()
  await registerRelyingParty(app, clientId, relyingPartyDocument([key], overrides))
  return {
    clientId,
    key,
    async bearer () {
      const res = await tokenRequest(app, await clientAssertion(key, clientId, issuer))
      if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`)
      return { authorization: `Bearer ${res.json().access_token as string}` }
    }
  }
}

export function requestToken (app: FastifyInstance, headers: { authorization: string }, subject: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return app.inject({ method: 'POST', url: '/v1/attribute-tokens', headers, payload: { subject, ...extra } })
}

/** Verifies an attribute token with behorig's published JWKS, as an agency would. */
export async function verifyAttributeToken (app: FastifyInstance, token: string, audience: string): Promise<{ payload: JWTPayload & Record<string, unknown>, header: Record<string, unknown> }> {
  const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: ISSUER, audience, typ: 'attribute-token+jwt', algorithms: ['ES256', 'EdDSA'] })
  return { payload: payload as JWTPayload & Record<string, unknown>, header: protectedHeader as Record<string, unknown> }
}
