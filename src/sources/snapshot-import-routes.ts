import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { IncomingMessage } from 'node:http'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { Conflict } from '../http/errors.js'
import { actorOf } from '../audit/audit-event.js'
import { limitBytes } from './byte-limit.js'
import { readHrSnapshot, hrSnapshotFormat } from './hr-snapshot-reader.js'
import { RunAccepted, runAcceptedExample } from './run-accepted.js'
import { SourceParams } from './schemas.js'
import type { SourceService } from './service.js'
import type { SnapshotImporter } from './snapshot-importer.js'
import { csvSnapshotExample, jsonSnapshotExample } from './snapshot-examples.js'

const TAGS: ApiTag[] = ['Sources & sync']
const write = { scope: 'sources:write', orgParam: 'org' } as const

export interface SnapshotImportRouteOptions { sources: SourceService, importSnapshot: SnapshotImporter, importLimitBytes: number }

export const snapshotImportRoutes: FastifyPluginAsyncTypebox<SnapshotImportRouteOptions> = async (app, { sources, importSnapshot, importLimitBytes }) => {
  // Snapshots are streamed into staging, never buffered: hand the parser the raw request.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(['text/csv', 'application/json'], function passThrough (_req, payload, done) { done(null, payload) })
  app.post('/v1/organisations/:org/sources/:id/imports', {
    config: { auth: write },
    schema: {
      tags: TAGS,
      operationId: 'importHrSnapshot',
      summary: 'Upload a full HR snapshot (text/csv or application/json, streamed)',
      description: 'The HR system\'s (or the steward\'s) export of every current employment, to an `hr` source. Formats: schemas/hr-snapshot.schema.json (JSON) and the CSV columns documented in the README (`;` or `,`, UTF-8 with or without BOM). Employments missing from the snapshot have ended. A file that cannot be read at all is refused with 422 and changes nothing; bad records are quarantined and the rest goes on. Then follow the run, and check its quarantine.',
      params: SourceParams,
      documentedBody: {
        'text/csv': { type: 'string', description: 'One row per employment, a header row.', examples: [csvSnapshotExample] },
        'application/json': { type: 'object', description: 'As schemas/hr-snapshot.schema.json.', examples: [jsonSnapshotExample] }
      },
      response: { 202: documented('Accepted: the run is queued; `Location` names it. Follow it with `GET …/sync-runs/{run}`.', RunAccepted, [runAcceptedExample]), '4xx': ProblemSchema }
    }
  }, async function importHrSnapshot (request, reply) {
    const { org, id } = request.params
    const source = await sources.get(org, id)
    if (source.kind !== 'hr') throw Conflict({ detail: `Source ${id} is ${source.kind}; only hr sources take snapshot uploads` })
    const contentType = request.headers['content-type'] ?? ''
    hrSnapshotFormat(contentType)
    const body = limitBytes(request.body as IncomingMessage, importLimitBytes)
    const run = await importSnapshot(org, id, readHrSnapshot(body, contentType), actorOf(request.principal))
    return reply.code(202).header('location', `/v1/organisations/${org}/sync-runs/${run.id}`).send({ run_id: run.id, state: 'queued' })
  })
}
