import { createHash } from 'node:crypto'
import { escapeHtml, markdownToHtml } from './markdown-html.js'
import { problemDescription } from './problem-docs.js'

/** Self-contained pages: no script, no external asset, one stylesheet allowed by its hash. */
const STYLE = 'body{font:1rem/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;color:#1b1b1b;background:#fff}' +
  'code,pre{font-family:ui-monospace,monospace;background:#f1f1f1}pre{padding:.75rem;overflow-x:auto}' +
  'a{color:#0b4fa8}dt{font-weight:bold}dd{margin:0 0 .5rem}h3{margin-top:2rem}'

/** The Content-Security-Policy of these pages: the API's `default-src 'none'`, plus the one inline style. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`

export interface ProblemTypeView { slug: string, type: string, title: string, status: number }

export function problemTypePage (problem: ProblemTypeView, section: string, indexUri: string): string {
  return page(`${problem.slug} — problem type`, `<nav><a href="${escapeHtml(indexUri)}">All problem types</a></nav>
<main>
<h1><code>${escapeHtml(problem.slug)}</code></h1>
<dl>
<dt>Title</dt><dd>${escapeHtml(problem.title)}</dd>
<dt>Status</dt><dd>${problem.status}</dd>
<dt>Type URI</dt><dd><code>${escapeHtml(problem.type)}</code></dd>
</dl>
${markdownToHtml(problemDescription(section))}
</main>`)
}

/** The whole of docs/problems.md, each type's heading linking to its own page. */
export function problemIndexPage (markdown: string, typeUri: (slug: string) => string): string {
  const body = markdownToHtml(markdown, {
    heading (level, text, html) {
      const slug = level === 3 ? /^`([a-z0-9-]+)`$/.exec(text)?.[1] : undefined
      return slug ? `<h3 id="${escapeHtml(slug)}"><a href="${escapeHtml(typeUri(slug))}">${html}</a></h3>` : undefined
    }
  })
  return page('Problem types', `<main>\n${body}\n</main>`)
}

function page (title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`
}
