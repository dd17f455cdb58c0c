import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../store/package-root.js'

/** docs/problems.md, split into the whole document and one section per problem type. */
export interface ProblemDocs {
  markdown: string
  /** Each type's section without its heading, keyed by slug. */
  sections: ReadonlyMap<string, string>
}

const SECTION_HEADING = /^### `([a-z0-9-]+)`\s*$/

/** Reads docs/problems.md from the package root (it ships with the package), once, at start-up. */
export function loadProblemDocs (): ProblemDocs {
  return parseProblemDocs(readFileSync(join(packageRoot(), 'docs', 'problems.md'), 'utf8'))
}

/** A section runs from its "### `slug`" heading to the next heading of any level. */
export function parseProblemDocs (markdown: string): ProblemDocs {
  const sections = new Map<string, string>()
  let current: { slug: string, lines: string[] } | undefined
  const close = (): void => { if (current) sections.set(current.slug, current.lines.join('\n').trim()) }
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const heading = SECTION_HEADING.exec(line)
    if (heading || line.startsWith('#')) {
      close()
      current = heading ? { slug: heading[1] ?? '', lines: [] } : undefined
    } else {
      current?.lines.push(line)
    }
  }
  close()
  return { markdown, sections }
}

/** The section without the status it opens with ("404. No organisation…"): the status is a field of its own. */
export function problemDescription (section: string): string {
  return section.replace(/^\d{3}\.\s+/, '')
}
