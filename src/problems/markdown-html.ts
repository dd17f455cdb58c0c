/**
 * Renders the small Markdown subset docs/*.md use (headings, paragraphs, bullet lists,
 * fenced code, `code`, **strong**, [links](…)) as HTML. Every piece of text is escaped;
 * only http(s) and same-page links become anchors, since the other docs are not served.
 */
export interface MarkdownOptions {
  /** The HTML for a heading, when the caller wants more than `<hN>` around the text. */
  heading?: (level: number, text: string, html: string) => string | undefined
}

export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export function markdownToHtml (markdown: string, options: MarkdownOptions = {}): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n')
  const out: string[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i] ?? ''
    if (line.trim() === '') { i++; continue }
    if (line.startsWith('```')) {
      const body: string[] = []
      for (i++; i < lines.length && !(lines[i] ?? '').startsWith('```'); i++) body.push(lines[i] ?? '')
      i++
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`)
      continue
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    if (heading) {
      const level = (heading[1] ?? '#').length
      const text = heading[2] ?? ''
      const html = inlineHtml(text)
      out.push(options.heading?.(level, text, html) ?? `<h${level}>${html}</h${level}>`)
      i++
      continue
    }
    if (BULLET.test(line)) {
      const items: string[] = []
      for (; i < lines.length && (BULLET.test(lines[i] ?? '') || /^\s{2,}\S/.test(lines[i] ?? '')); i++) {
        const item = lines[i] ?? ''
        if (BULLET.test(item)) items.push(item.replace(BULLET, ''))
        else items[items.length - 1] += ' ' + item.trim()
      }
      out.push(`<ul>${items.map((item) => `<li>${inlineHtml(item)}</li>`).join('')}</ul>`)
      continue
    }
    const paragraph: string[] = []
    for (; i < lines.length && !startsBlock(lines[i] ?? ''); i++) paragraph.push((lines[i] ?? '').trim())
    out.push(`<p>${inlineHtml(paragraph.join(' '))}</p>`)
  }
  return out.join('\n')
}

const BULLET = /^[-*]\s+/
const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g

function startsBlock (line: string): boolean {
  return line.trim() === '' || line.startsWith('```') || /^#{1,6}\s/.test(line) || BULLET.test(line)
}

function inlineHtml (text: string): string {
  let html = ''
  let last = 0
  for (const match of text.matchAll(INLINE)) {
    html += escapeHtml(text.slice(last, match.index))
    const [whole, code, strong, label, href] = match
    if (code !== undefined) html += `<code>${escapeHtml(code)}</code>`
    else if (strong !== undefined) html += `<strong>${inlineHtml(strong)}</strong>`
    else html += linkHtml(inlineHtml(label ?? ''), href ?? '')
    last = match.index + whole.length
  }
  return html + escapeHtml(text.slice(last))
}

function linkHtml (label: string, href: string): string {
  return /^(https?:\/\/|#)/i.test(href) ? `<a href="${escapeHtml(href)}">${label}</a>` : label
}
