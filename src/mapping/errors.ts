import { defineProblem } from '../http/problem.js'

/** The document is valid YAML/JSON but breaks the schema or refers to what does not exist; `errors` holds JSON Pointers. */
export const InvalidMapping = defineProblem('invalid-mapping', 'Invalid mapping', 422)

/** The body is not parseable as YAML or JSON; the detail names line and column. */
export const MalformedMapping = defineProblem('malformed-mapping', 'Mapping is not valid YAML or JSON', 400)

export const UnknownMappingVersion = defineProblem('unknown-mapping-version', 'Unknown mapping version', 404)

/** Published versions are immutable: only a draft may be changed, previewed as draft or published. */
export const MappingNotDraft = defineProblem('mapping-not-draft', 'Mapping version is not a draft', 409)
