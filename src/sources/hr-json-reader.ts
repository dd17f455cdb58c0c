import { pipeline, Readable } from 'node:stream'
import Assembler from 'stream-json/assembler.js'
import { parser, type Token } from 'stream-json/parser.js'
import { ProblemError } from '../http/problem.js'
import { HrSnapshotUnreadable } from './errors.js'
import { validateEmployment, validateUnit } from './hr-record-validator.js'
import { encodePointerToken } from '../http/json-pointer.js'
import { MAX_JSON_DEPTH } from '../http/json-depth.js'
import { streamBatches } from './stream-batches.js'
import type { SourceItem } from './source-records.js'

type Member = 'units' | 'employments'
const MEMBERS: readonly Member[] = ['units', 'employments']

/**
 * Streams a JSON snapshot `{ "units": [...], "employments": [...] }` (text already
 * decoded) element by element: only one array element is assembled at a time, so a
 * 100 000-employment document never sits in memory. Either member may come first.
 * A malformed document, another top-level shape or a missing member fails the whole
 * snapshot, possibly after elements were yielded.
 */
export async function * readHrJson (text: AsyncIterable<string>): AsyncGenerator<SourceItem> {
  const tokens = pipeline(Readable.from(text), parser.asStream({ streamValues: false }), () => {})
  const state = new SnapshotShape()
  try {
    for await (const batch of streamBatches<Token>(tokens)) {
      for (const token of batch) {
        const element = state.consume(token)
        if (element) yield element.member === 'units' ? validateUnit(element.value, element.place) : validateEmployment(element.value, element.place)
      }
    }
  } catch (error) {
    if (!(error instanceof ProblemError)) {
      const message = error instanceof Error ? error.message : String(error)
      throw HrSnapshotUnreadable({ detail: `The snapshot is not valid JSON: ${message}`, errors: [{ pointer: '', detail: message }], cause: error })
    }
    throw error
  }
  state.end()
}

interface Element { member: Member, value: unknown, place: { row: number, pointer: string } }

/** Follows the top level of the document and hands out each complete array element. */
class SnapshotShape {
  private phase: 'start' | 'top' | 'member' | 'array' | 'done' = 'start'
  private member: Member | undefined
  private index = 0
  private readonly seen = new Set<Member>()
  private readonly assembler = new Assembler()
  private depth = 0

  consume (token: Token): Element | undefined {
    // Bounded while streaming, before an element is assembled: a record nested thousands of
    // levels deep would overflow recursive code (and PostgreSQL's jsonb input) further on.
    if (token.name === 'startObject' || token.name === 'startArray') {
      if (++this.depth > MAX_JSON_DEPTH) throw tooDeep(this.phase === 'array' ? `/${String(this.member)}/${this.index}` : '')
    } else if (token.name === 'endObject' || token.name === 'endArray') {
      this.depth--
    }
    // CSV refuses NUL bytes while decoding and cannot carry unpaired surrogates (it is UTF-8);
    // in JSON, \u0000 and \ud800 escapes make them, and PostgreSQL stores neither in jsonb.
    if ('value' in token && typeof token.value === 'string' && UNSTORABLE.test(token.value)) throw unstorable(this.phase === 'array' ? `/${String(this.member)}/${this.index}` : '')
    switch (this.phase) {
      case 'start':
        if (token.name !== 'startObject') throw shape('', 'must be an object { "units": [...], "employments": [...] }')
        this.phase = 'top'
        return undefined
      case 'top':
        if (token.name === 'endObject') { this.phase = 'done'; return undefined }
        if (token.name !== 'keyValue') return undefined
        if (!MEMBERS.includes(token.value as Member)) throw shape(`/${encodePointerToken(token.value)}`, 'is not a member of an HR snapshot (expected units and employments)')
        this.member = token.value as Member
        if (this.seen.has(this.member)) throw shape(`/${this.member}`, 'appears twice')
        this.seen.add(this.member)
        this.phase = 'member'
        return undefined
      case 'member':
        if (token.name !== 'startArray') throw shape(`/${String(this.member)}`, 'must be an array')
        this.phase = 'array'
        this.index = 0
        return undefined
      case 'array':
        return this.element(token)
      case 'done':
        return undefined
    }
  }

  end (): void {
    const missing = MEMBERS.filter((member) => !this.seen.has(member))
    if (this.phase !== 'done') throw shape('', 'the document ends early')
    if (missing.length > 0) {
      throw HrSnapshotUnreadable({
        detail: `The snapshot lacks ${missing.join(' and ')} (an empty list is fine).`,
        errors: missing.map((member) => ({ pointer: `/${member}`, detail: 'is required' }))
      })
    }
  }

  private element (token: Token): Element | undefined {
    if (this.assembler.done && token.name === 'endArray') {
      this.phase = 'top'
      return undefined
    }
    this.assembler.consume(token)
    if (!this.assembler.done) return undefined
    const member = this.member as Member
    const row = this.index++
    return { member, value: this.assembler.current, place: { row, pointer: `/${member}/${row}` } }
  }
}

/** NUL, or a UTF-16 surrogate without its other half (code units, so no `u` flag). */
// eslint-disable-next-line no-control-regex -- NUL is what PostgreSQL text cannot store
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

function unstorable (pointer: string): Error {
  const detail = 'contains a NUL character (\\u0000) or an unpaired UTF-16 surrogate'
  return HrSnapshotUnreadable({ detail: `The snapshot is not text: ${pointer || 'the document'} ${detail}.`, errors: [{ pointer, detail }] })
}

function tooDeep (pointer: string): Error {
  const detail = `nests deeper than ${MAX_JSON_DEPTH} levels`
  return HrSnapshotUnreadable({ detail: `The snapshot ${pointer ? `record ${pointer}` : 'document'} ${detail}; an HR snapshot needs four.`, errors: [{ pointer, detail }] })
}

function shape (pointer: string, detail: string): Error {
  return HrSnapshotUnreadable({ detail: `The snapshot's top level is not { "units": [...], "employments": [...] }: ${pointer || 'the document'} ${detail}.`, errors: [{ pointer, detail }] })
}
