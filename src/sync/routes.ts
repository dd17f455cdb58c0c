import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { OrgParams } from '../organisations/schemas.js'
import { SourceParams } from '../sources/schemas.js'
import type { SourceService } from '../sources/service.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { cursorKey, decodeCursor, page } from '../http/cursor.js'
import { describePrincipal } from '../auth/principal.js'
import { actorOf } from '../audit/audit-event.js'
import type { SyncEngine } from './sync-engine.js'
import { QuarantineList, QuarantineQuery, RunAccepted, RunListQuery, SyncQuery, RunParams, SyncRunList, SyncRunView } from './schemas.js'
import { runView } from './run-view.js'
import { UnknownSyncRun } from './errors.js'
import { runAcceptedExample } from '../sources/run-accepted.js'
import { awaitingRunExample, quarantineExample, succeededRunExample } from './sync-examples.js'

const TAGS: ApiTag[] = ['Sources & sync']
const accepted = documented('Accepted: the run is queued; `Location` names it. Follow it with `GET …/sync-runs/{run}`.', RunAccepted, [runAcceptedExample])
const read = { scope: 'sources:read', orgParam: 'org' } as const
const write = { scope: 'sources:write', orgParam: 'org' } as const

export interface SyncRouteOptions { engine: SyncEngine, sources: SourceService }

export const syncRoutes: FastifyPluginAsyncTypebox<SyncRouteOptions> = async (app, { engine, sources }) => {
  app.post('/v1/organisations/:org/sources/:id/sync', {
    config: { auth: write },
    schema: {
      tags: TAGS,
      operationId: 'startSync',
      summary: 'Start a pull run now (HR URL or directory)',
      description: 'Pulls now instead of waiting for the schedule: an `hr` source fetches `config.url`, an `ldap` source reads the directory. A directory source reads only what changed since its last run, except every config.full_every-th run, which reads everything and so notices deletions; mode=full asks for a full run now.',
      params: SourceParams,
      querystring: SyncQuery,
      response: { 202: accepted, '4xx': ProblemSchema }
    }
  }, async function startSync (request, reply) {
    await sources.get(request.params.org, request.params.id)
    const run = await engine.startPull(request.params.org, request.params.id, 'pull', request.query.mode === 'full' ? 'full' : undefined, actorOf(request.principal))
    return reply.code(202).header('location', `/v1/organisations/${request.params.org}/sync-runs/${run.id}`).send({ run_id: run.id, state: 'queued' })
  })

  app.get('/v1/organisations/:org/sync-runs', {
    config: { auth: read },
    schema: { tags: TAGS, operationId: 'listSyncRuns', summary: 'List sync runs, newest first', description: 'What each source delivered and when; filter by `source`.', params: OrgParams, querystring: RunListQuery, response: { 200: documented('A page of runs.', SyncRunList, [{ items: [succeededRunExample], next_cursor: null }]), '4xx': ProblemSchema } }
  }, async function listRuns (request) {
    const { source, limit, cursor } = request.query
    const rows = await engine.listRuns(request.params.org, { limit: limit + 1, ...(source ? { source } : {}), ...(cursor ? { before: decodeCursor(cursor, cursorKey.text) } : {}) })
    const result = page(rows, limit, (r) => r.id)
    return { items: result.items.map(runView), next_cursor: result.next_cursor }
  })

  app.get('/v1/organisations/:org/sync-runs/:run', {
    config: { auth: read },
    schema: { tags: TAGS, operationId: 'getSyncRun', summary: 'Read a sync run', description: 'Poll after an import or pull until `state` is `succeeded`, `failed` or `awaiting-approval`. `counts.quarantined` above 0: read the quarantine. `awaiting-approval`: the run would end more employments than the source\'s safety threshold allows; approve or reject it.', params: RunParams, response: { 200: documented('The run.', SyncRunView, [succeededRunExample, awaitingRunExample]), '4xx': ProblemSchema } }
  }, async function getRun (request) {
    const run = await engine.findRun(request.params.org, request.params.run)
    if (!run) throw UnknownSyncRun(`No run ${request.params.run}`)
    return runView(run)
  })

  app.get('/v1/organisations/:org/sync-runs/:run/quarantine', {
    config: { auth: read },
    schema: { tags: TAGS, operationId: 'listQuarantine', summary: 'Records a run held back, with row, pointer and reason', description: 'Fix these in the HR system (or the file) and upload again; the rest of the run was applied.', params: RunParams, querystring: QuarantineQuery, response: { 200: documented('A page of quarantined records.', QuarantineList, [quarantineExample]), '4xx': ProblemSchema } }
  }, async function listQuarantine (request) {
    const run = await engine.findRun(request.params.org, request.params.run)
    if (!run) throw UnknownSyncRun(`No run ${request.params.run}`)
    const { limit, cursor } = request.query
    const rows = await engine.quarantine(request.params.org, run.id, { after: decodeCursor(cursor, cursorKey.int4) ?? 0, limit: limit + 1 })
    const result = page(rows, limit, (r) => r.seq)
    return {
      items: result.items.map((q) => ({ row: q.row_number, record_type: q.record_type as 'unit' | 'employment', pointer: q.pointer, code: q.code, reason: q.reason, problems: q.problems as never, ...(q.raw !== null ? { raw: q.raw } : {}) })),
      next_cursor: result.next_cursor
    }
  })

  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/v1/organisations/:org/sync-runs/:run/${decision}`, {
      config: { auth: write },
      schema: {
        tags: TAGS,
        operationId: `${decision}SyncRun`,
        summary: decision === 'approve' ? 'Approve a run held by its safety threshold (it is then applied)' : 'Reject a run held by its safety threshold (nothing changes)',
        description: decision === 'approve'
          ? 'For a run in `awaiting-approval` whose endings are real (e.g. a reorganisation): it is queued again and applied. Answers 202.'
          : 'For a run in `awaiting-approval` whose endings are a broken export: nothing of it is applied. Answers 200.',
        params: RunParams,
        response: decision === 'approve'
          ? { 202: documented('The run, queued to be applied.', SyncRunView, [{ ...awaitingRunExample, state: 'queued', decided_by: 'api-key:Kq3vX9mTa2LbR7wE', decided_at: '2026-03-02T07:45:00.000Z' }]), '4xx': ProblemSchema }
          : { 200: documented('The run, rejected.', SyncRunView, [{ ...awaitingRunExample, state: 'rejected', decided_by: 'api-key:Kq3vX9mTa2LbR7wE', decided_at: '2026-03-02T07:45:00.000Z' }]), '4xx': ProblemSchema }
      }
    }, async function decide (request, reply) {
      const { org, run: runId } = request.params
      const who = describePrincipal(request.principal!)
      const actor = actorOf(request.principal)
      const run = await (decision === 'approve' ? engine.approve(org, runId, who, actor) : engine.reject(org, runId, who, actor))
      return reply.code(decision === 'approve' ? 202 : 200).send(runView(run))
    })
  }
}
