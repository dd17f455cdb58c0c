import { pipeline, Readable } from 'node:stream'
import { CsvError, parse } from 'csv-parse'
import type { ProblemFieldError } from '../http/problem.js'
import { HrSnapshotHeaderInvalid, HrSnapshotUnreadable } from './errors.js'
import {
  employmentFromRow, isUnitOnlyRow, KNOWN_COLUMNS, REQUIRED_COLUMNS, unitColumn, unitFromRow
} from './hr-csv-columns.js'
import { quarantine, validateEmployment, validateUnit } from './hr-record-validator.js'
import type { SourceItem } from './source-records.js'
import { streamBatches } from './stream-batches.js'

const MAX_RECORD_CHARS = 65536

/**
 * Streams a CSV snapshot (text already decoded): the header row decides the separator
 * (`;` or `,`, whichever it holds more of) and the columns; each later row yields its
 * unit the first time that unit is seen, then its employment or a quarantine item.
 * Blank rows are skipped; a row holding only unit columns defines a unit and nothing else.
 */
export async function * readHrCsv (text: AsyncIterable<string>): AsyncGenerator<SourceItem> {
  const { headerLine, chunks } = await peekHeaderLine(text)
  if (/^\s*[[{]/.test(headerLine)) throw notCsv('It looks like JSON: send it as application/json.')
  const records = pipeline(
    Readable.from(chunks),
    parse({ delimiter: detectDelimiter(headerLine), relax_column_count: true, relax_quotes: true, trim: true, max_record_size: MAX_RECORD_CHARS }),
    () => {} // errors surface through the iteration below
  )
  const units = new Map<string, UnitSeen>()
  let columns: string[] | undefined
  let rowNumber = 0
  try {
    for await (const batch of streamBatches<string[]>(records)) {
      for (const fields of batch) {
        rowNumber++
        if (!columns) {
          columns = checkHeader(fields)
          continue
        }
        if (fields.every((field) => field === '')) continue
        yield * readRow(fields, columns, rowNumber, units)
      }
    }
  } catch (error) {
    if (error instanceof CsvError) throw unreadableCsv(error)
    throw error
  }
  if (!columns) throw HrSnapshotUnreadable({ detail: 'The snapshot is empty: a header row is required.', errors: [{ pointer: '/header', detail: 'is missing' }] })
}

function * readRow (fields: string[], columns: string[], row: number, units: Map<string, UnitSeen>): Generator<SourceItem> {
  const pointer = `/rows/${row}`
  if (fields.length !== columns.length) {
    const reason = `the row has ${fields.length} fields but the header has ${columns.length} (a separator inside an unquoted value?)`
    yield quarantine('employment', undefined, { row, pointer }, [{ pointer, code: 'column-count', reason }])
    return
  }
  const values = new Map<string, string>()
  columns.forEach((column, i) => { if (KNOWN_COLUMNS.has(column)) values.set(column, fields[i] as string) })
  const unit = unitFromRow(values)
  if (unit) yield * readUnit(unit, row, pointer, units)
  if (!isUnitOnlyRow(values)) yield validateEmployment(employmentFromRow(values), { row, pointer })
}

interface UnitSeen { row: number, signature: string }

/** A unit repeats on every row of its employments: the first description counts, a different later one is quarantined. */
function * readUnit (unit: Record<string, unknown>, row: number, pointer: string, units: Map<string, UnitSeen>): Generator<SourceItem> {
  const id = unit.id as string
  const fields = ['name', 'parent_id', 'kind', 'hsa_id', 'school_unit_code'] as const
  const signature = JSON.stringify(fields.map((field) => unit[field]))
  const first = units.get(id)
  if (!first) {
    units.set(id, { row, signature })
    yield validateUnit(unit, { row, pointer, fieldName: unitColumn })
  } else if (first.signature !== signature) {
    const earlier = JSON.parse(first.signature) as unknown[]
    const differing = fields.find((field, i) => earlier[i] !== unit[field]) ?? 'name'
    const problem = { pointer: `${pointer}/${unitColumn(differing)}`, code: 'conflicting-unit' as const, reason: `unit ${id} is described differently on row ${first.row}; that description is kept` }
    yield { ...quarantine('unit', unit, { row, pointer }, [problem]), unit_id: id }
  }
}

function checkHeader (fields: string[]): string[] {
  const columns = fields.map((field) => field.trim().toLowerCase())
  if (!columns.some((column) => KNOWN_COLUMNS.has(column))) throw notCsv('')
  const errors: ProblemFieldError[] = []
  for (const column of REQUIRED_COLUMNS) {
    if (!columns.includes(column)) errors.push({ pointer: `/header/${column}`, detail: `required column "${column}" is missing` })
  }
  columns.forEach((column, i) => {
    if (KNOWN_COLUMNS.has(column) && columns.indexOf(column) !== i) errors.push({ pointer: `/header/${column}`, detail: `column "${column}" appears more than once` })
  })
  if (errors.length > 0) {
    throw HrSnapshotHeaderInvalid({ detail: errors.map((e) => e.detail).join('; '), errors, extensions: { columns } })
  }
  return columns
}

/** Reads until the header line is complete, keeping what was read for the parser. */
async function peekHeaderLine (text: AsyncIterable<string>): Promise<{ headerLine: string, chunks: AsyncIterable<string> }> {
  const iterator = text[Symbol.asyncIterator]()
  const buffered: string[] = []
  let seen = ''
  while (!seen.includes('\n') && seen.length <= MAX_RECORD_CHARS) {
    const next = await iterator.next()
    if (next.done) break
    buffered.push(next.value)
    seen += next.value
  }
  const newline = seen.indexOf('\n')
  if (newline < 0 && seen.length > MAX_RECORD_CHARS) {
    throw HrSnapshotUnreadable({ detail: `The snapshot is not CSV: no line break in the first ${MAX_RECORD_CHARS} characters.`, errors: [{ pointer: '/header', detail: 'is not a CSV header line' }] })
  }
  async function * replay (): AsyncGenerator<string> {
    yield * buffered
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value
  }
  return { headerLine: newline < 0 ? seen : seen.slice(0, newline), chunks: replay() }
}

function detectDelimiter (headerLine: string): ';' | ',' {
  const unquoted = headerLine.replace(/"[^"]*"/g, '')
  const count = (char: string): number => unquoted.split(char).length - 1
  return count(';') > count(',') ? ';' : ','
}

function notCsv (hint: string): Error {
  return HrSnapshotUnreadable({
    detail: `The snapshot is not an HR snapshot CSV: its first row names none of the expected columns (${REQUIRED_COLUMNS.join(', ')}).${hint ? ' ' + hint : ''}`,
    errors: [{ pointer: '/header', detail: 'names none of the expected columns' }]
  })
}

function unreadableCsv (error: CsvError): Error {
  const line = (error as CsvError & { lines?: number }).lines
  return HrSnapshotUnreadable({
    detail: `The snapshot is not valid CSV${line ? ` near line ${line}` : ''}: ${error.message}`,
    errors: [{ pointer: line ? `/rows/${line}` : '', detail: error.message }],
    cause: error
  })
}
