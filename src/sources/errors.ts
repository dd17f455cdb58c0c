import { defineProblem } from '../http/problem.js'

/**
 * The snapshot as a whole cannot be read: not UTF-8 text, not CSV or JSON at all,
 * malformed JSON, or a JSON document whose top level is not `{ units, employments }`.
 * The run fails and changes nothing; `errors` point at what is wrong.
 */
export const HrSnapshotUnreadable = defineProblem('hr-snapshot-unreadable', 'The HR snapshot cannot be read', 422)

/** The CSV header row lacks required columns or names one twice; `errors` name them as `/header/<column>`. */
export const HrSnapshotHeaderInvalid = defineProblem('hr-snapshot-header-invalid', 'The HR snapshot\'s header row is not usable', 422)

/** A source config does not validate against schemas/source.schema.json or has a bad cron schedule. */
export const SourceConfigInvalid = defineProblem('source-config-invalid', 'The source config is not valid', 422)

/** A snapshot upload went past BEHORIG_IMPORT_LIMIT. */
export const SnapshotTooLarge = defineProblem('snapshot-too-large', 'The snapshot is larger than the import limit', 413)

/** A pulled source could not be read (unreachable, or an error answer); the run is retried. */
export const SourceUnavailable = defineProblem('source-unavailable', 'The source could not be read', 502)
