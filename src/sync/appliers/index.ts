import type { SourceKind } from '../../sources/source-connector.js'
import { directoryApplier } from './directory-applier.js'
import { hrSnapshotApplier } from './hr-snapshot-applier.js'
import type { PushApplier, SourceApplier } from './source-applier.js'

/** Which applier applies each kind of source's runs: a new kind of source data is a new applier and a line here. */
export const APPLIERS: Record<SourceKind, SourceApplier> = {
  hr: hrSnapshotApplier,
  ldap: directoryApplier,
  scim: directoryApplier
}

/** Pushes (SCIM) carry directory data. */
export const PUSH_APPLIER: PushApplier = directoryApplier

export type { Applied, ApplyRequest, PushApplier, SourceApplier } from './source-applier.js'
