import type { ProblemFieldError } from '../http/problem.js'
import { listedValues } from './condition-walker.js'
import { InvalidMapping } from './errors.js'
import { schemaErrors } from './mapping-schema-check.js'
import type { CatalogView, MappingDocument, MappingWarning } from './mapping-types.js'
import { rulePairWarnings } from './rule-overlap.js'
import { titlePatternProblem } from './title-pattern-compiler.js'

export type { CatalogAttributeInfo, CatalogView } from './mapping-types.js'

export interface MappingValidationContext {
  /** The named catalog version, or undefined when the domain or version does not exist. */
  catalog: (domain: string, version: string) => CatalogView | undefined
  /** Absent while the organisation has no synced units: references are then only warned about. */
  unitExists?: (unitId: string) => boolean
  /** Absent while no directory has been synced; compare DNs with `normaliseDn`. */
  groupExists?: (dn: string) => boolean
}

export interface MappingValidationResult {
  errors: ProblemFieldError[]
  warnings: MappingWarning[]
  /** The typed document, present only when there are no errors. */
  mapping?: MappingDocument
}

/** Deeper nesting than this is refused before the (recursive) schema check runs. */
const MAX_DEPTH = 64

/**
 * Checks a parsed document: first the schema (nothing else is meaningful if the shape
 * is wrong), then what the schema cannot know: the catalog version and its attributes,
 * unique rule ids, title patterns, and references to units and groups.
 */
export function validateMapping (doc: unknown, ctx: MappingValidationContext): MappingValidationResult {
  if (depth(doc) > MAX_DEPTH) return { errors: [{ pointer: '', detail: `nests deeper than ${MAX_DEPTH} levels` }], warnings: [] }
  const shapeErrors = schemaErrors(doc)
  if (shapeErrors.length > 0) return { errors: shapeErrors, warnings: [] }
  const mapping = doc as MappingDocument
  const errors: ProblemFieldError[] = []
  const warnings: MappingWarning[] = []
  checkAttributes(mapping, ctx, errors, warnings)
  checkRuleIds(mapping, errors)
  checkTitlePatterns(mapping, errors)
  checkReferences(mapping, 'unit_within', ctx.unitExists, warnings)
  checkReferences(mapping, 'groups', ctx.groupExists, warnings)
  warnings.push(...rulePairWarnings(mapping))
  return errors.length > 0 ? { errors, warnings } : { errors, warnings, mapping }
}

/** `validateMapping` for callers that want a thrown `invalid-mapping` problem (with warnings beside the errors). */
export function assertValidMapping (doc: unknown, ctx: MappingValidationContext): { mapping: MappingDocument, warnings: MappingWarning[] } {
  const result = validateMapping(doc, ctx)
  if (!result.mapping) {
    throw InvalidMapping({
      detail: `The mapping has ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}`,
      errors: result.errors,
      extensions: { warnings: result.warnings }
    })
  }
  return { mapping: result.mapping, warnings: result.warnings }
}

function checkAttributes (mapping: MappingDocument, ctx: MappingValidationContext, errors: ProblemFieldError[], warnings: MappingWarning[]): void {
  const catalog = ctx.catalog(mapping.domain, mapping.catalog_version)
  if (!catalog) {
    errors.push({ pointer: '/catalog_version', detail: `catalog ${mapping.domain} ${mapping.catalog_version} does not exist` })
    return
  }
  const named = `catalog ${mapping.domain} ${mapping.catalog_version}`
  mapping.rules.forEach((rule, r) => rule.grant.forEach((id, g) => {
    const pointer = `/rules/${r}/grant/${g}`
    if (!id.startsWith(mapping.domain + '.')) {
      errors.push({ pointer, detail: `${id} belongs to domain ${id.split('.')[0] ?? ''}, not to this mapping's domain ${mapping.domain}` })
      return
    }
    const info = catalog.attribute(id)
    if (!info) errors.push({ pointer, detail: `${id} is not in ${named}` })
    else if (info.status === 'deprecated') {
      const instead = info.replaced_by ? `; use ${info.replaced_by} instead` : ' and has no replacement'
      warnings.push({ pointer, code: 'deprecated-attribute', detail: `${id} is deprecated in ${named}${instead}` })
    }
  }))
}

function checkRuleIds (mapping: MappingDocument, errors: ProblemFieldError[]): void {
  const first = new Map<string, number>()
  mapping.rules.forEach((rule, r) => {
    const earlier = first.get(rule.id)
    if (earlier === undefined) first.set(rule.id, r)
    else errors.push({ pointer: `/rules/${r}/id`, detail: `repeats the id ${rule.id} of /rules/${earlier}` })
  })
}

function checkTitlePatterns (mapping: MappingDocument, errors: ProblemFieldError[]): void {
  mapping.rules.forEach((rule, r) => {
    for (const { value, pointer } of listedValues(rule.when, `/rules/${r}/when`, 'titles')) {
      const problem = titlePatternProblem(value)
      if (problem) errors.push({ pointer, detail: `the title pattern ${problem}` })
    }
  })
}

function checkReferences (mapping: MappingDocument, key: 'unit_within' | 'groups', exists: ((value: string) => boolean) | undefined, warnings: MappingWarning[]): void {
  const noun = key === 'groups' ? 'group' : 'unit'
  let count = 0
  mapping.rules.forEach((rule, r) => {
    for (const { value, pointer } of listedValues(rule.when, `/rules/${r}/when`, key)) {
      count++
      if (exists && !exists(value)) {
        warnings.push({ pointer, code: `unknown-${noun}`, detail: `no ${noun} ${value} is known (yet) from the organisation's sources; the condition matches nobody until one is synced` })
      }
    }
  })
  if (!exists && count > 0) {
    warnings.push({ pointer: '', code: `${noun}s-not-synced`, detail: `no ${noun}s have been synced for the organisation yet, so the ${count} ${noun} reference${count === 1 ? ' was' : 's were'} not checked` })
  }
}

function depth (value: unknown): number {
  let deepest = 0
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number]
    deepest = Math.max(deepest, d)
    if (d <= MAX_DEPTH && v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, d + 1])
  }
  return deepest
}
