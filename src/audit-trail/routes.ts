import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { auditEventListExample, checkpointListExample, disclosureListExample, platformEventListExample, verificationExample } from './audit-examples.js'
import { cursorKey, decodeCursor } from '../http/cursor.js'
import { ListQuery, OrgParams } from '../organisations/schemas.js'
import { PersonParams } from '../people/schemas.js'
import { ForeignOrganisation } from '../auth/errors.js'
import type { Principal } from '../auth/principal.js'
import type { AuditService, EventQuery } from './service.js'
import { AuditEventList, AuditQuery, CheckpointList, PlatformAuditQuery, DisclosureList, VerificationSchema, VerifyQuery } from './schemas.js'

const TAGS: ApiTag[] = ['Audit']
const auth = { scope: 'audit:read', orgParam: 'org' } as const

export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditService }> = async (app, { audit }) => {
  /** One page of an organisation's events, or (null) the platform chain's, as a list route's query asks. */
  const eventPage = (organisation: string | null, { cursor, ...query }: Omit<EventQuery, 'before'> & { cursor?: string }) => {
    const before = decodeCursor(cursor, cursorKey.sequence)
    return audit.events(organisation, { ...query, ...(before !== undefined ? { before } : {}) })
  }

  app.get('/v1/organisations/:org/audit', {
    config: { auth },
    schema: {
      tags: TAGS,
      operationId: 'listAuditEvents',
      summary: 'The organisation\'s audit log, newest first, filtered by person, relying party, action and time',
      description: 'Every change to the organisation\'s data and every attribute token issued about its staff, hash-chained (docs/audit.md). For a data-protection request or an incident review.',
      params: OrgParams,
      querystring: AuditQuery,
      response: { 200: documented('A page of events.', AuditEventList, [auditEventListExample]), '4xx': ProblemSchema }
    }
  }, async function listAuditEvents (request) {
    return eventPage(request.params.org, request.query)
  })

  app.get('/v1/audit/platform', {
    config: { auth: { platform: true } },
    schema: {
      tags: TAGS,
      operationId: 'listPlatformAuditEvents',
      summary: 'The platform chain, newest first: relying parties, signing keys, the catalog and the token endpoint',
      description: 'Platform admin only. Events that belong to no organisation: relying-party registrations and changes, key rotations, catalog loads, access tokens issued and client authentications refused at `/oauth/token`. Filters as on an organisation\'s log, but `person`.',
      querystring: PlatformAuditQuery,
      response: { 200: documented('A page of events.', AuditEventList, [platformEventListExample]), '4xx': ProblemSchema }
    }
  }, async function listPlatformAuditEvents (request) {
    return eventPage(null, request.query)
  })

  app.get('/v1/organisations/:org/people/:id/disclosures', {
    config: { auth },
    schema: { tags: TAGS, operationId: 'listDisclosures', summary: 'Which relying party received which of the person\'s attributes, and when, newest first', description: 'What to answer a member of staff who asks which agencies were told what about them (GDPR art. 15).', params: PersonParams, querystring: ListQuery, response: { 200: documented('A page of disclosures.', DisclosureList, [disclosureListExample]), '4xx': ProblemSchema } }
  }, async function listDisclosures (request) {
    const before = decodeCursor(request.query.cursor, cursorKey.sequence)
    return audit.disclosures(request.params.org, request.params.id, { limit: request.query.limit, ...(before !== undefined ? { before } : {}) })
  })

  app.get('/v1/audit/verify', {
    config: { auth: { scope: 'audit:read' } },
    schema: {
      tags: TAGS,
      operationId: 'verifyAuditChain',
      summary: 'Recompute an audit chain and report its first broken link',
      description: 'Without `organisation`, the platform chain (platform admin only). An organisation API key with `audit:read` may verify its own organisation\'s chain.',
      querystring: VerifyQuery,
      response: { 200: documented('The verdict.', VerificationSchema, [verificationExample]), '4xx': ProblemSchema }
    }
  }, async function verifyAuditChain (request) {
    const { organisation } = request.query
    mayVerify(request.principal, organisation)
    return audit.verify(organisation)
  })

  app.get('/v1/audit/checkpoints', {
    config: { auth: false },
    schema: { tags: TAGS, operationId: 'listAuditCheckpoints', summary: 'Signed audit checkpoints, newest first, each with the public key that verifies it', description: 'Public, so an outside party can keep copies: a later rewrite of a chain no longer matches a checkpoint signed before it.', querystring: ListQuery, response: { 200: documented('A page of checkpoints.', CheckpointList, [checkpointListExample]), '4xx': ProblemSchema } }
  }, async function listCheckpoints (request) {
    const before = decodeCursor(request.query.cursor, cursorKey.sequence)
    return audit.checkpoints({ limit: request.query.limit, ...(before !== undefined ? { before } : {}) })
  })
}

/** An organisation key verifies its own chain only; the platform chain is the platform admin's. */
function mayVerify (principal: Principal | undefined, organisation: string | undefined): void {
  if (principal?.kind === 'api-key' && principal.organisation !== organisation) {
    throw ForeignOrganisation({ detail: 'An organisation API key can only verify its own organisation\'s chain' })
  }
}
