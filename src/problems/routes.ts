import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { problemIndexUri, problemTypeUri, registeredProblems, type ProblemDefinition } from '../http/problem.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { NotAcceptable } from '../http/errors.js'
import { preferredMediaType } from '../http/media-negotiation.js'
import { problemDescription, type ProblemDocs } from './problem-docs.js'
import { PAGE_CSP, problemIndexPage, problemTypePage } from './problem-page.js'
import { DocumentText, ProblemSlugParams, ProblemTypeDocSchema, ProblemTypeIndexSchema } from './schemas.js'
import { UnknownProblemType } from './errors.js'
import type { ApiTag } from '../http/openapi-tags.js'

const TAGS: ApiTag[] = ['Problem types']
/** JSON first: a client that says nothing (or `*∕*`) is a program; browsers ask for text/html. */
const OFFERS = ['application/json', 'text/html', 'text/markdown'] as const
const CACHE = 'public, max-age=3600'

const TYPE_EXAMPLE = { type: 'http://127.0.0.1:3000/problems/unknown-organisation', title: 'Unknown organisation', status: 404, description: 'No organisation with that number is registered.' }
const EXAMPLES = {
  doc: { json: TYPE_EXAMPLE, html: '<!doctype html><html lang="en"><head><title>unknown-organisation</title></head><body><h1>Unknown organisation</h1><p>404. No organisation with that number is registered.</p></body></html>', markdown: '### `unknown-organisation`\n404. No organisation with that number is registered.\n' },
  index: { json: { problems: [{ type: TYPE_EXAMPLE.type, title: TYPE_EXAMPLE.title, status: 404 }] }, html: '<!doctype html><html lang="en"><head><title>Problem types</title></head><body><h1>Problem types</h1></body></html>', markdown: '# Problem types\n' }
}

function documented (json: typeof ProblemTypeDocSchema | typeof ProblemTypeIndexSchema, example: { json: object, html: string, markdown: string }) {
  return {
    200: {
      description: 'JSON by default; an HTML page on `Accept: text/html`; Markdown on `Accept: text/markdown`.',
      content: {
        'application/json': { schema: json, example: example.json },
        'text/html': { schema: DocumentText, example: example.html },
        'text/markdown': { schema: DocumentText, example: example.markdown }
      }
    },
    '4xx': ProblemSchema
  }
}

/**
 * The documentation every problem `type` URI points at (`<issuer>/problems/<slug>`), served
 * by the service itself so the link in an error resolves. Public: errors reach callers
 * that are not (yet) authenticated.
 */
export const problemRoutes: FastifyPluginAsyncTypebox<{ issuer: string, docs: ProblemDocs }> = async (app, { issuer, docs }) => {
  const typeUri = (slug: string): string => problemTypeUri(issuer, slug)
  const view = (p: ProblemDefinition) => ({ type: typeUri(p.slug), title: p.title, status: p.status })

  app.get('/problems', {
    config: { auth: false },
    schema: {
      tags: TAGS,
      operationId: 'listProblemTypes',
      summary: 'Every problem type',
      description: 'The problem types this service answers with (RFC 9457 `type`, `title`, `status`). `Accept: text/html` gives the whole of docs/problems.md as a page; `text/markdown` gives the file itself.',
      response: documented(ProblemTypeIndexSchema, EXAMPLES.index)
    }
  }, async function listProblemTypes (request, reply) {
    const media = negotiate(request, reply)
    if (media === 'text/html') return sendPage(reply, problemIndexPage(docs.markdown, typeUri))
    if (media === 'text/markdown') return reply.type('text/markdown; charset=utf-8').send(docs.markdown)
    return { problems: registeredProblems().map(view) }
  })

  app.get('/problems/:slug', {
    config: { auth: false },
    schema: {
      tags: TAGS,
      operationId: 'getProblemType',
      summary: 'One problem type: what it means and what to do',
      description: 'What a problem `type` URI resolves to. JSON `{ type, title, status, description }` (description in Markdown) by default; an HTML page on `Accept: text/html`; the Markdown section of docs/problems.md on `Accept: text/markdown`. An unknown slug is `unknown-problem-type` (404).',
      params: ProblemSlugParams,
      response: documented(ProblemTypeDocSchema, EXAMPLES.doc)
    }
  }, async function getProblemType (request, reply) {
    const problem = registeredProblems().find((p) => p.slug === request.params.slug)
    if (!problem) throw UnknownProblemType(`No problem type "${request.params.slug}"; ${problemIndexUri(issuer)} lists them`)
    const section = docs.sections.get(problem.slug) ?? ''
    const media = negotiate(request, reply)
    if (media === 'text/html') return sendPage(reply, problemTypePage({ slug: problem.slug, ...view(problem) }, section, problemIndexUri(issuer)))
    if (media === 'text/markdown') return reply.type('text/markdown; charset=utf-8').send(`### \`${problem.slug}\`\n${section}\n`)
    return { ...view(problem), description: problemDescription(section) }
  })
}

function negotiate (request: FastifyRequest, reply: FastifyReply): typeof OFFERS[number] {
  reply.header('vary', 'accept').header('cache-control', CACHE)
  const media = preferredMediaType(request.headers.accept, OFFERS)
  if (!media) throw NotAcceptable(`Offered: ${OFFERS.join(', ')}`)
  return media
}

function sendPage (reply: FastifyReply, html: string): FastifyReply {
  return reply.header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8').send(html)
}
