import t, { type Test } from 'tap'
import { connect } from 'node:net'
import { ADMIN_TOKEN, buildTestApp, openTestStore } from '../helpers/app.js'
import { problemType } from '../helpers/problem-type.js'

const store = await openTestStore()
const { app, createOrganisation } = await buildTestApp(store, { BEHORIG_BODY_LIMIT: '2048' })
await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as { port: number }
const org = await createOrganisation()

interface RawAnswer { status: number, headers: Record<string, string>, body: string }

/** Sends bytes as they are, so requests Node's parser refuses reach it, and reads the answer. */
function raw (request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request))
    let text = ''
    socket.on('data', (chunk: Buffer) => { text += chunk.toString('utf8') })
    // The server may close while we still write; what it answered has arrived by then.
    socket.on('error', () => {})
    socket.on('close', () => {
      const [head = '', ...rest] = text.split('\r\n\r\n')
      const [statusLine = '', ...lines] = head.split('\r\n')
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1])
      if (!status) return reject(new Error(`no HTTP answer: ${text.slice(0, 200)}`))
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]))
      resolve({ status, headers, body: rest.join('\r\n\r\n') })
    })
  })
}

const request = (line: string, headers: string[] = [], body = ''): string =>
  [line, 'Host: 127.0.0.1', `Authorization: Bearer ${ADMIN_TOKEN}`, 'Connection: close', ...headers, '', body].join('\r\n')

const json = (a: RawAnswer): { type: string, status: number, detail?: string, errors?: unknown[] } => {
  // Chunked bodies (Fastify's replies) carry the JSON between size lines.
  const start = a.body.indexOf('{')
  return JSON.parse(a.body.slice(start, a.body.lastIndexOf('}') + 1)) as { type: string, status: number }
}

function assertProblem (t: Test, answer: RawAnswer, status: number, slug: string): void {
  t.equal(answer.status, status, slug)
  t.match(answer.headers['content-type'], /^application\/problem\+json/, `${slug}: problem+json`)
  t.match(json(answer), { type: problemType(slug), status })
}

const CASES: Array<[string, string, number, string]> = [
  ['headers larger than Node takes', request('GET /health/live HTTP/1.1', [`X-Filler: ${'a'.repeat(20_000)}`]), 431, 'header-fields-too-large'],
  ['a URL larger than Node takes', request(`GET /v1/${'a'.repeat(20_000)} HTTP/1.1`), 431, 'header-fields-too-large'],
  ['a URL past 8192 characters', request(`GET /v1/organisations?x=${'a'.repeat(9000)} HTTP/1.1`), 414, 'uri-too-long'],
  ['a path segment past the longest parameter', request(`GET /v1/organisations/${'1'.repeat(7000)} HTTP/1.1`), 414, 'uri-too-long'],
  ['a path that is not valid percent-encoding', request('GET /v1/organisations/%zz HTTP/1.1'), 400, 'validation-failed'],
  ['a request line that is not HTTP', 'NOT HTTP AT ALL\r\n\r\n', 400, 'malformed-request'],
  ['an unknown path', request('GET /v1/nothing-here HTTP/1.1'), 404, 'not-found'],
  ['a known path with another method', request(`DELETE /v1/organisations/${org}/units HTTP/1.1`), 405, 'method-not-allowed'],
  ['a body past the limit', request(`PUT /v1/organisations/${org} HTTP/1.1`, ['Content-Type: application/json', 'Content-Length: 5000'], '{"name":"' + 'x'.repeat(4986) + '"}'), 413, 'payload-too-large'],
  ['a media type no route takes', request(`PUT /v1/organisations/${org} HTTP/1.1`, ['Content-Type: text/xml', 'Content-Length: 4'], '<a/>'), 415, 'unsupported-media-type'],
  ['a content type that does not parse', request(`PUT /v1/organisations/${org} HTTP/1.1`, ['Content-Type: ;;', 'Content-Length: 2'], '{}'), 415, 'unsupported-media-type'],
  ['a body that is not JSON', request(`PUT /v1/organisations/${org} HTTP/1.1`, ['Content-Type: application/json', 'Content-Length: 3'], '{x}'), 400, 'validation-failed']
]

for (const [what, text, status, slug] of CASES) {
  t.test(`${what}: ${status} ${slug} as problem+json`, async (t) => {
    assertProblem(t, await raw(text), status, slug)
  })
}

t.test('405 says which methods the path takes', async (t) => {
  const answer = await raw(request(`DELETE /v1/organisations/${org}/units HTTP/1.1`))
  t.equal(answer.headers['allow'], 'GET, HEAD')
})

t.test('a path parameter as long as a schema admits still reaches the schema', async (t) => {
  const answer = await raw(request(`GET /v1/organisations/${'1'.repeat(200)} HTTP/1.1`))
  assertProblem(t, answer, 400, 'invalid-organisation-number')
})
