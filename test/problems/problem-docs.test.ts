import t from 'tap'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { problemType } from '../helpers/problem-type.js'
import { registeredProblems } from '../../src/http/problem.js'
import { markdownToHtml } from '../../src/problems/markdown-html.js'
import { problemTypePage } from '../../src/problems/problem-page.js'

const ISSUER = 'https://behorig.example.se/fed'
const store = await openTestStore()
const { app } = await buildTestApp(store, { BEHORIG_ISSUER: ISSUER })

/** The path of a type URI on this app: the issuer's path prefix is the reverse proxy's. */
const pathOf = (type: string): string => new URL(type).pathname.replace(/^\/fed/, '')

t.test('a problem\'s type URI resolves to its documentation', async (t) => {
  const refused = await app.inject({ method: 'GET', url: '/v1/organisations/2120000142/sources' })
  const { type, title } = refused.json() as { type: string, title: string }
  t.equal(type, problemType('unauthenticated', ISSUER), 'under the issuer')
  const doc = await app.inject({ method: 'GET', url: pathOf(type) })
  t.equal(doc.statusCode, 200)
  t.match(doc.headers['content-type'], /^application\/json/)
  t.match(doc.json(), { type, title, status: 401, description: /^No `Authorization` header/ })
  t.equal(doc.headers['vary'], 'accept')
})

t.test('a browser gets a self-contained HTML page its CSP allows', async (t) => {
  const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
  const res = await app.inject({ method: 'GET', url: '/problems/unknown-organisation', headers: { accept } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
  t.match(res.body, /<html lang="en">/)
  t.match(res.body, /<h1><code>unknown-organisation<\/code><\/h1>/)
  t.match(res.body, /No organisation with that number is registered\./)
  t.match(res.body, `<a href="${ISSUER}/problems">All problem types</a>`)
  t.notMatch(res.body, /<script|src=|<link/, 'no script and no external asset')
  const style = /<style>([^<]*)<\/style>/.exec(res.body)?.[1] ?? ''
  const csp = String(res.headers['content-security-policy'])
  t.match(csp, /default-src 'none'/)
  t.ok(csp.includes(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`), 'the one inline style is allowed by its hash')
})

t.test('Markdown on request, 406 when nothing offered is acceptable', async (t) => {
  const md = await app.inject({ method: 'GET', url: '/problems/not-found', headers: { accept: 'text/markdown' } })
  t.equal(md.headers['content-type'], 'text/markdown; charset=utf-8')
  t.match(md.body, /^### `not-found`\n404\. No route matches/)
  const index = await app.inject({ method: 'GET', url: '/problems', headers: { accept: 'text/markdown' } })
  t.match(index.body, /^# Problem types/)
  const refused = await app.inject({ method: 'GET', url: '/problems/not-found', headers: { accept: 'image/png' } })
  t.equal(refused.statusCode, 406)
  t.equal(refused.json().type, problemType('not-acceptable', ISSUER))
})

t.test('the index lists every registered problem type', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/problems' })
  t.equal(res.statusCode, 200)
  const listed = (res.json() as { problems: Array<{ type: string, title: string, status: number }> }).problems
  t.same(listed, registeredProblems().map((p) => ({ type: problemType(p.slug, ISSUER), title: p.title, status: p.status })))
  const page = await app.inject({ method: 'GET', url: '/problems', headers: { accept: 'text/html' } })
  for (const p of registeredProblems()) t.ok(page.body.includes(`<a href="${problemType(p.slug, ISSUER)}"><code>${p.slug}</code></a>`), `${p.slug} links its page`)
  for (const p of registeredProblems()) {
    const doc = await app.inject({ method: 'GET', url: pathOf(problemType(p.slug, ISSUER)) })
    t.equal(doc.statusCode, 200, `${p.slug} resolves`)
  }
})

t.test('an unknown slug is a 404 problem', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/problems/no-such-problem', headers: { accept: 'text/html' } })
  t.equal(res.statusCode, 404)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.json(), { type: problemType('unknown-problem-type', ISSUER), status: 404, detail: /no-such-problem/ })
})

t.test('the documentation is public', async (t) => {
  const summaries = app.routeSummaries.filter((r) => r.url.startsWith('/problems'))
  t.same(summaries.map((r) => [r.url, r.auth]), [['/problems', false], ['/problems/:slug', false]])
})

t.test('documentation text is escaped, and only web and same-page links become links', async (t) => {
  const html = markdownToHtml('# <b>x</b>\n\nA "quote" & <script>alert(1)</script> `<i>code</i>` [click](javascript:void) [rfc](https://www.rfc-editor.org/rfc/rfc9457?a=1&b="2") **<u>u</u>**\n\n- <img src=x onerror=alert(1)>\n\n```\n</pre><script>x()</script>\n```')
  t.notMatch(html, /<script|<img|<b>|<i>|<u>/)
  t.match(html, '<h1>&#60;b&#62;x&#60;/b&#62;</h1>')
  t.match(html, 'A &#34;quote&#34; &#38; &#60;script&#62;')
  t.match(html, '<code>&#60;i&#62;code&#60;/i&#62;</code>')
  t.match(html, ' click ', 'a javascript: link is text')
  t.notMatch(html, /href="javascript/)
  t.match(html, '<a href="https://www.rfc-editor.org/rfc/rfc9457?a=1&#38;b=&#34;2&#34;">rfc</a>')
  t.match(html, '<strong>&#60;u&#62;u&#60;/u&#62;</strong>')
  t.match(html, '<pre><code>&#60;/pre&#62;&#60;script&#62;')
  const page = problemTypePage({ slug: 'x', type: 'https://a.example/problems/x', title: '<script>t()</script>', status: 400 }, '400. <script>d()</script>', 'https://a.example/problems')
  t.notMatch(page, /<script/)
})

t.test('docs/problems.md ships with the package, since the service reads it at start-up', async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { files?: string[] }
  // Without `files` npm packs everything git tracks; with it, the docs must be named.
  if (pkg.files) t.ok(pkg.files.some((f) => ['docs', 'docs/', 'docs/problems.md', 'docs/*.md'].includes(f)), `files ${JSON.stringify(pkg.files)} include docs/problems.md`)
  else t.pass('no files list: docs/ is packed')
})
