import { eventChannel, type EventChannel } from '../events/event-channel.js'
import type { ChangeCause } from '../outbox/outbox-repository.js'

/** One attribute a person no longer holds (for that unit, when unit-scoped). */
export interface RevokedAttribute {
  person_id: string
  attribute_id: string
  unit_id: string | null
}

/** What one committed recompute took away. */
export interface AttributesRevoked {
  organisation: string
  domain: string
  /** The mapping version the recompute evaluated. */
  mapping_version: number
  /** `publish`: a full recompute after a new version; `sync`: after a sync run, the people it changed and those the calendar changed; `day`: the day job, those the calendar changed; `assignment`: an assignment made or ended, its person. */
  cause: ChangeCause
  revoked: RevokedAttribute[]
}

export type AttributeEvents = EventChannel<AttributesRevoked>

/**
 * Revocation events: emitted after the recompute's transaction has committed, one per
 * domain that lost anything, to subscribers in order (the token capability marks the
 * live tokens carrying a revoked attribute in its status list). The recompute committed
 * them to the change outbox, so a failing subscriber (logged; later subscribers still
 * hear) or a process that dies makes them be emitted again later: subscribers must be
 * idempotent.
 */
export function attributeEvents (): AttributeEvents {
  return eventChannel<AttributesRevoked>({
    failure: 'an attributes-revoked subscriber failed',
    describe: (event) => ({ organisation: event.organisation, domain: event.domain }),
    skip: (event) => event.revoked.length === 0
  })
}
