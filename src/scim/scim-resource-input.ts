import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { ScimResourceType } from './scim-attributes.js'
import { canonicaliseResource } from './scim-canonical.js'
import { invalidValue } from './scim-errors.js'
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../http/json-depth.js'
import { ScimGroupInput, ScimUserInput } from './scim-schemas.js'
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './scim-urns.js'

/**
 * What behorig keeps of a User or Group a client sent: the attributes it knows, in their
 * canonical case, without `id`, `meta` and read-only `groups` (RFC 7643 §3.1: set by the
 * service provider) and without attributes it does not keep (RFC 7644 §3.3 lets it ignore
 * them). `schemas` lists the core schema and the enterprise extension when that is used.
 */
export type ScimResource = Record<string, unknown>

const KEPT: Record<ScimResourceType, string[]> = {
  User: ['externalId', 'userName', 'name', 'displayName', 'title', 'active', 'emails', ENTERPRISE_USER_SCHEMA],
  Group: ['externalId', 'displayName', 'members']
}

/** RFC 7643 §2.5: a null value means unassigned; dropped before validation so `"title": null` is not "". */
export function withoutNulls (value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(withoutNulls)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== null).map(([key, item]) => [key, withoutNulls(item)]))
}

/** A request body as the route schemas check it: nulls dropped, attribute names in canonical case. */
export function prepareBody (resourceType: ScimResourceType, body: unknown): unknown {
  if (nestsDeeperThan(body)) throw invalidValue(`The ${resourceType} nests deeper than ${MAX_JSON_DEPTH} levels`)
  return canonicaliseResource(resourceType, withoutNulls(body))
}

export function keptResource (resourceType: ScimResourceType, input: ScimResource): ScimResource {
  const kept: ScimResource = {}
  for (const key of KEPT[resourceType]) {
    if (input[key] !== undefined) kept[key] = input[key]
  }
  const enterprise = kept[ENTERPRISE_USER_SCHEMA]
  const hasEnterprise = typeof enterprise === 'object' && enterprise !== null && Object.keys(enterprise).length > 0
  if (!hasEnterprise) delete kept[ENTERPRISE_USER_SCHEMA]
  if (resourceType === 'Group' && Array.isArray(kept['members'])) kept['members'] = distinctMembers(kept['members'] as ScimResource[])
  const schemas = resourceType === 'User' ? [USER_SCHEMA, ...(hasEnterprise ? [ENTERPRISE_USER_SCHEMA] : [])] : [GROUP_SCHEMA]
  return { schemas, ...kept }
}

/** A group lists a member once (RFC 7643 §4.2: members are compared by value). */
function distinctMembers (members: ScimResource[]): ScimResource[] {
  const seen = new Set<string>()
  return members.filter((member) => {
    const key = String(member['value']).toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

const ajv = new Ajv({ allErrors: true, strict: false })
const validators: Record<ScimResourceType, ValidateFunction> = {
  User: ajv.compile(ScimUserInput),
  Group: ajv.compile(ScimGroupInput)
}

/** Checks a resource built by PATCH against the same schema POST and PUT bodies meet. */
export function checkResource (resourceType: ScimResourceType, resource: ScimResource): void {
  const validate = validators[resourceType]
  if (!validate(resource)) throw invalidValue(`The patched ${resourceType} is not valid: ${describe(validate.errors ?? [])}`)
}

function describe (errors: ErrorObject[]): string {
  return errors.slice(0, 5).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`).join('; ')
}
