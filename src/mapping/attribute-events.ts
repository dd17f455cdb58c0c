import { eventChannel, type EventChannel } from '../events/event-channel.js'

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
  cause: { kind: 'publish', version: number } | { kind: 'sync', run_id: string } | { kind: 'day', day: string } | { kind: 'assignment', assignment_id: string } | { kind: 'recompute' }
  revoked: RevokedAttribute[]
}

export type AttributeEvents = EventChannel<AttributesRevoked>

/**
 * Revocation events: emitted after the recompute's transaction has committed, one per
 * domain that lost anything, to subscribers in order (the token capability marks the
 * live tokens carrying a revoked attribute in its status list). A failing subscriber is
 * logged and does not undo the recompute, nor stop later subscribers.
 */
export function attributeEvents (): AttributeEvents {
  return eventChannel<AttributesRevoked>({
    failure: 'an attributes-revoked subscriber failed',
    describe: (event) => ({ organisation: event.organisation, domain: event.domain }),
    skip: (event) => event.revoked.length === 0
  })
}
