/**
 * Deterministic HR snapshots of a large municipality, for benchmarks and streaming tests:
 * a unit tree (förvaltningar → avdelningar → enheter), employments with Swedish names,
 * AID-like position codes, valid personnummer for most rows, and visstid/vikariat with
 * end dates. Output is produced lazily, chunk by chunk, never held whole.
 *
 *   npx tsx scripts/bench/hr-snapshot-generator.ts --format csv --employments 100000 --units 5000 > hr.csv
 *   npx tsx scripts/bench/hr-snapshot-generator.ts --format json --mutate 5 > hr-next.json
 *
 * `mutate` gives the "next export" of the same organisation: that percentage of
 * employments changes (a third new title, a third moved, a third ended or dropped) and
 * as many again are hired. Same options and seed, same bytes.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { luhnCheckDigit } from '../../src/identifiers/luhn.js'
import { pick, random } from './seeded-random.js'

export interface GeneratorOptions {
  format: 'csv' | 'json'
  employments?: number
  units?: number
  seed?: number
  /** Percent of employments changed relative to the unmutated snapshot (0–100). */
  mutate?: number
  delimiter?: ';' | ','
  bom?: boolean
}

const FORVALTNINGAR = ['Socialförvaltningen', 'Utbildningsförvaltningen', 'Vård- och omsorgsförvaltningen', 'Stadsbyggnadsförvaltningen', 'Kultur- och fritidsförvaltningen', 'Miljöförvaltningen', 'Serviceförvaltningen', 'Arbetsmarknadsförvaltningen', 'Stadsledningskontoret', 'Förskoleförvaltningen']
const AVDELNINGAR = ['Ekonomiskt bistånd', 'Barn och unga', 'Vuxna, missbruk och beroende', 'Äldreomsorg', 'Funktionsnedsättning', 'Familjerätt', 'Grundskola', 'Gymnasium', 'Hemtjänst', 'Särskilt boende', 'Ekonomi', 'Personal', 'Kök och måltid', 'Lokalvård']
const OMRADEN = ['Norr', 'Söder', 'Öster', 'Väster', 'Centrum', 'Hägersten', 'Älvsjö', 'Årsta', 'Skärholmen', 'Bromma', 'Kista', 'Östermalm']
const GIVEN = ['Anna', 'Eva', 'Maria', 'Karin', 'Sara', 'Åsa', 'Ingrid', 'Märta', 'Lena', 'Emma', 'Johan', 'Lars', 'Mikael', 'Anders', 'Erik', 'Per', 'Björn', 'Örjan', 'Göran', 'Mohammed', 'Ali', 'Fatima', 'Leyla', 'Jörgen', 'Åke']
const FAMILY = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Pettersson', 'Jönsson', 'Löfgren', 'Sjöberg', 'Åberg', 'Ström', 'Hussein', 'Yilmaz', 'Öberg', 'Bäckström']
// [AID-like code, title, weight]
const POSITIONS: Array<[string, string, number]> = [
  ['151010', 'Socialsekreterare', 12], ['151020', 'Förste socialsekreterare, barn och unga', 2], ['151030', 'Biståndshandläggare', 4],
  ['151040', 'LSS-handläggare', 2], ['151050', 'Familjerättssekreterare', 1], ['532010', 'Undersköterska', 25],
  ['532020', 'Vårdbiträde', 10], ['534010', 'Personlig assistent', 8], ['231010', 'Lärare', 15], ['233010', 'Förskollärare', 8],
  ['159010', 'Enhetschef', 3], ['331010', 'Administratör', 4], ['512010', 'Kock', 2], ['911010', 'Lokalvårdare', 3], ['214010', 'Behörighetsadministratör', 1]
]
const TYPES: Array<[string, number]> = [['tillsvidare', 75], ['visstid', 10], ['vikariat', 7], ['timavlonad', 6], ['uppdrag', 2]]
const CSV_COLUMNS = ['employment_id', 'employee_number', 'given_name', 'family_name', 'email', 'personal_identity_number', 'service_id', 'unit_id', 'unit_name', 'parent_unit_id', 'unit_kind', 'unit_hsa_id', 'position_code', 'title', 'employment_type', 'start_date', 'end_date', 'extent']

interface Unit { id: string, name: string, parent_id: string | null, kind: string, hsa_id: string | null }
type Employment = Record<string, string | number | null>

const weighted = <T>(rnd: () => number, list: ReadonlyArray<readonly [...unknown[], number]>): T => {
  const total = list.reduce((sum, entry) => sum + (entry[entry.length - 1] as number), 0)
  let x = rnd() * total
  for (const entry of list) { x -= entry[entry.length - 1] as number; if (x < 0) return entry as unknown as T }
  return list[list.length - 1] as unknown as T
}
const pad = (n: number, width: number): string => String(n).padStart(width, '0')
const date = (rnd: () => number, from: number, to: number): string => new Date(Date.UTC(from, 0, 1) + Math.floor(rnd() * (to - from) * 365) * 86400000).toISOString().slice(0, 10)

export function generateUnits (count: number, seed = 1): Unit[] {
  const rnd = random(seed)
  const forvaltningar = Math.max(1, Math.min(FORVALTNINGAR.length, Math.round(count * 0.002)))
  const avdelningar = Math.max(1, Math.round(count * 0.02))
  const units: Unit[] = []
  for (let f = 0; f < forvaltningar && units.length < count; f++) {
    units.push({ id: `f${pad(f + 1, 2)}`, name: FORVALTNINGAR[f] as string, parent_id: null, kind: 'forvaltning', hsa_id: null })
  }
  const areas: string[] = []
  for (let a = 0; a < avdelningar && units.length < count; a++) {
    const parent = units[a % forvaltningar] as Unit
    areas.push(pick(rnd, AVDELNINGAR))
    units.push({ id: `${parent.id}-a${pad(a + 1, 3)}`, name: `${areas[a] as string} ${pick(rnd, OMRADEN)}`, parent_id: parent.id, kind: 'avdelning', hsa_id: null })
  }
  const firstEnhet = units.length
  for (let e = 0; units.length < count; e++) {
    const a = e % Math.max(1, firstEnhet - forvaltningar)
    const parent = units[forvaltningar + a] as Unit
    const hsa = rnd() < 0.1 ? `SE2120000142-E${pad(e + 1, 5)}` : null
    units.push({ id: `${parent.id}-e${pad(e + 1, 4)}`, name: `${areas[a] ?? 'Enhet'}, ${pick(rnd, OMRADEN)} ${e + 1}`, parent_id: parent.id, kind: 'enhet', hsa_id: hsa })
  }
  return units
}

function personnummer (rnd: () => number): string {
  const payload = date(rnd, 1955, 2004).replace(/-/g, '') + pad(Math.floor(rnd() * 1000), 3)
  return payload + luhnCheckDigit(payload.slice(2))
}

function ascii (text: string): string {
  return text.toLowerCase().replace(/[åä]/g, 'a').replace(/ö/g, 'o').replace(/[^a-z]/g, '')
}

/** Employment `index` of the base snapshot: the same for every run with the same seed. */
function baseEmployment (index: number, units: Unit[], seed: number): Employment {
  const rnd = random(seed * 1_000_003 + index)
  const person = rnd() < 0.05 && index > 0 ? index - 1 : index // one in twenty holds a second employment
  const prnd = random(seed * 7_919 + person)
  const given = pick(prnd, GIVEN)
  const family = pick(prnd, FAMILY)
  const [code, title] = weighted<[string, string, number]>(rnd, POSITIONS)
  const [type] = weighted<[string, number]>(rnd, TYPES)
  const start = date(rnd, 2000, 2025)
  const fixedTerm = type === 'visstid' || type === 'vikariat'
  return {
    employment_id: `E-${pad(index + 1, 7)}`,
    employee_number: String(100000 + person),
    given_name: given,
    family_name: family,
    email: `${ascii(given)}.${ascii(family)}${person}@exempel.se`,
    personal_identity_number: prnd() < 0.85 ? personnummer(prnd) : null,
    service_id: null,
    unit_id: (units[units.length > 1 ? 1 + Math.floor(rnd() * (units.length - 1)) : 0] as Unit).id,
    position_code: code,
    title,
    employment_type: type,
    start_date: start,
    end_date: fixedTerm ? `${Number(start.slice(0, 4)) + 1 + Math.floor(rnd() * 2)}${start.slice(4)}`.replace('-02-29', '-02-28') : null,
    extent: type === 'timavlonad' ? null : pick(rnd, [100, 100, 100, 75, 50])
  }
}

/** Applies `mutate` to one employment; undefined means it was dropped from the export. */
function mutated (employment: Employment, index: number, units: Unit[], options: Required<GeneratorOptions>): Employment | undefined {
  const rnd = random(options.seed * 31 + index * 17 + 5)
  if (rnd() * 100 >= options.mutate) return employment
  const change = rnd()
  if (change < 1 / 3) {
    const [code, title] = weighted<[string, string, number]>(rnd, POSITIONS)
    return { ...employment, position_code: code, title }
  }
  if (change < 2 / 3) return { ...employment, unit_id: (pick(rnd, units.slice(1)) ?? units[0] as Unit).id }
  if (change < 5 / 6) return undefined
  return { ...employment, end_date: String(employment.start_date) > '2025-12-31' ? String(employment.start_date) : '2025-12-31' }
}

function * employments (units: Unit[], options: Required<GeneratorOptions>): Generator<Employment> {
  for (let i = 0; i < options.employments; i++) {
    const employment = mutated(baseEmployment(i, units, options.seed), i, units, options)
    if (employment) yield employment
  }
  const hires = Math.round(options.employments * options.mutate / 100)
  for (let i = 0; i < hires; i++) {
    const hire = baseEmployment(options.employments + i, units, options.seed + 1)
    yield { ...hire, employment_id: `E-${pad(options.employments + i + 1, 7)}`, employee_number: String(900000 + i), start_date: '2026-01-01', end_date: null }
  }
}

function csvField (value: string | number | null, delimiter: string): string {
  const text = value === null ? '' : String(value)
  return text.includes(delimiter) || text.includes('"') || text.includes('\n') ? `"${text.replace(/"/g, '""')}"` : text
}

/** The snapshot as text chunks of a few hundred records each. */
export async function * generateHrSnapshot (options: GeneratorOptions): AsyncGenerator<string> {
  const o: Required<GeneratorOptions> = { employments: 100_000, units: 5_000, seed: 1, mutate: 0, delimiter: ';', bom: false, ...options }
  const units = generateUnits(o.units, o.seed)
  const byId = new Map(units.map((u) => [u.id, u]))
  const d = o.delimiter
  const row = (cells: Array<string | number | null>): string => cells.map((c) => csvField(c, d)).join(d) + '\r\n'
  let buffer = o.bom ? '\uFEFF' : ''
  const flush = (): string => { const out = buffer; buffer = ''; return out }
  if (o.format === 'csv') {
    buffer += row(CSV_COLUMNS)
    // Förvaltningar and avdelningar have rows of their own: few employments name them.
    for (const u of units) if (u.kind !== 'enhet') buffer += row(CSV_COLUMNS.map((c) => c === 'unit_id' ? u.id : c === 'unit_name' ? u.name : c === 'parent_unit_id' ? u.parent_id : c === 'unit_kind' ? u.kind : null))
  } else {
    buffer += '{"units":[' + units.map((u) => JSON.stringify(u)).join(',\n') + '],\n"employments":['
  }
  let n = 0
  for (const e of employments(units, o)) {
    const unit = byId.get(String(e.unit_id)) as Unit
    if (o.format === 'csv') {
      const cells: Record<string, string | number | null> = { ...e, unit_name: unit.name, parent_unit_id: unit.parent_id, unit_kind: unit.kind, unit_hsa_id: unit.hsa_id }
      buffer += row(CSV_COLUMNS.map((c) => cells[c] ?? null))
    } else {
      buffer += (n === 0 ? '' : ',\n') + JSON.stringify(e)
    }
    if (++n % 500 === 0) yield flush()
  }
  if (o.format === 'json') buffer += ']}\n'
  yield flush()
}

function parseArguments (argv: string[]): GeneratorOptions {
  const value = (name: string): string | undefined => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined }
  const number = (name: string): number | undefined => value(name) === undefined ? undefined : Number(value(name))
  const format = value('format') ?? 'csv'
  if (format !== 'csv' && format !== 'json') throw new Error('--format is csv or json')
  const delimiter = value('delimiter')
  return {
    format,
    ...(number('employments') !== undefined ? { employments: number('employments') } : {}),
    ...(number('units') !== undefined ? { units: number('units') } : {}),
    ...(number('seed') !== undefined ? { seed: number('seed') } : {}),
    ...(number('mutate') !== undefined ? { mutate: number('mutate') } : {}),
    ...(delimiter === ',' || delimiter === ';' ? { delimiter } : {}),
    bom: argv.includes('--bom')
  }
}

// Run as a command also when started through a symlink: argv[1] is the path as typed, import.meta.url the real one.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  await pipeline(Readable.from(generateHrSnapshot(parseArguments(process.argv.slice(2)))), process.stdout)
}
