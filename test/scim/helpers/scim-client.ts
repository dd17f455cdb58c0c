import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { adminHeaders, type TestApp } from '../../helpers/app.js'
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PATCH_OP_MESSAGE, USER_SCHEMA } from '../../../src/scim/scim-urns.js'

export interface ScimOrg {
  org: string
  source: string
  /** Bearer headers of an API key holding the scim scope. */
  auth: { authorization: string }
}

/** An organisation with a scim source and a key holding the scim scope. */
export async function scimOrganisation (test: TestApp, config: Record<string, unknown> = {}, source = 'entra'): Promise<ScimOrg> {
  const org = await test.createOrganisation()
  const res = await test.app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: source, kind: 'scim', config } })
  if (res.statusCode !== 201) throw new Error(`creating the scim source failed: ${res.statusCode} ${res.body}`)
  return { org, source, auth: await test.apiKeyHeaders(org, ['scim']) }
}

export interface ScimRequest { headers?: Record<string, string>, body?: unknown, contentType?: string }

/** A SCIM request as a client sends it: JSON bodies as application/scim+json. */
export function scimClient (app: FastifyInstance, target: ScimOrg) {
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, request: ScimRequest = {}): Promise<LightMyRequestResponse> => {
    const headers: Record<string, string> = { ...target.auth, ...request.headers }
    if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/scim+json'
    return app.inject({
      method,
      url: `/scim/v2/${target.org}${path}`,
      headers,
      ...(request.body !== undefined ? { payload: typeof request.body === 'string' ? request.body : JSON.stringify(request.body) } : {})
    })
  }
  return {
    call,
    get: (path: string, request?: ScimRequest) => call('GET', path, request),
    post: (path: string, body: unknown, request: ScimRequest = {}) => call('POST', path, { ...request, body }),
    put: (path: string, body: unknown, request: ScimRequest = {}) => call('PUT', path, { ...request, body }),
    patch: (path: string, operations: unknown[], request: ScimRequest = {}) => call('PATCH', path, { ...request, body: { schemas: [PATCH_OP_MESSAGE], Operations: operations } }),
    delete: (path: string, request?: ScimRequest) => call('DELETE', path, request),
    filter: (endpoint: string, filter: string, window = '') => call('GET', `/${endpoint}?filter=${encodeURIComponent(filter)}${window}`),

    /** Creates a user and returns its representation. */
    async createUser (userName: string, extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
      const res = await call('POST', '/Users', { body: user(userName, extra) })
      if (res.statusCode !== 201) throw new Error(`creating user ${userName} failed: ${res.statusCode} ${res.body}`)
      return res.json()
    },

    async createGroup (displayName: string, memberIds: string[] = []): Promise<Record<string, any>> {
      const res = await call('POST', '/Groups', { body: group(displayName, memberIds) })
      if (res.statusCode !== 201) throw new Error(`creating group ${displayName} failed: ${res.statusCode} ${res.body}`)
      return res.json()
    }
  }
}

export function user (userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], userName, active: true, ...extra }
}

export function group (displayName: string, memberIds: string[] = []): Record<string, unknown> {
  return { schemas: [GROUP_SCHEMA], displayName, members: memberIds.map((value) => ({ value })) }
}

/** The runs of a source, newest first. */
export async function runsOf (app: FastifyInstance, target: ScimOrg): Promise<Array<Record<string, any>>> {
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${target.org}/sync-runs?source=${target.source}&limit=100`, headers: adminHeaders })
  if (res.statusCode !== 200) throw new Error(`listing runs failed: ${res.statusCode} ${res.body}`)
  return res.json().items
}

export { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA }
