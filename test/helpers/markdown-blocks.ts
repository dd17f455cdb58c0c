/** A fenced code block of a Markdown file: its info string, its text (fence indentation removed), and the line its fence opens on. */
export interface FencedBlock { info: string, code: string, line: number }

/** The fenced blocks (``` or ~~~) of a Markdown text, in order; indented fences (in list items) included. */
export function fencedBlocks (markdown: string): FencedBlock[] {
  const lines = markdown.split(/\r?\n/)
  const blocks: FencedBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,}|~{3,})\s*(.*)$/.exec(lines[i] as string)
    if (!open) continue
    const [, indent = '', fence = '', info = ''] = open
    const body: string[] = []
    let j = i + 1
    while (j < lines.length && !new RegExp(`^ *${fence[0]}{${fence.length},}\\s*$`).test(lines[j] as string)) {
      body.push((lines[j] as string).startsWith(indent) ? (lines[j] as string).slice(indent.length) : (lines[j] as string).trimStart())
      j++
    }
    blocks.push({ info: info.trim(), code: body.join('\n'), line: i + 1 })
    i = j
  }
  return blocks
}

/** The relative link targets of a Markdown text (`[text](target)`), without their `#fragment`. */
export function relativeLinks (markdown: string): string[] {
  const withoutCode = markdown.replace(/^( *)(`{3,}|~{3,})[\s\S]*?^\1\2/gm, '').replace(/`[^`\n]*`/g, '')
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => (m[1] as string).split('#')[0] as string)
    .filter((target) => target !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(target))
}
