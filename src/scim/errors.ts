import { ScimError } from './scim-errors.js'

/**
 * The SCIM server's own refusals (beside the protocol errors of scim-errors.ts). Both are
 * 403: the caller is authenticated, but the organisation does not take this push.
 */
export const noScimSource = (organisation: string): ScimError => new ScimError(403, undefined,
  `Organisation ${organisation} has no scim source to push to: register one with POST /v1/organisations/${organisation}/sources and {"id": "entra", "kind": "scim"}`)

export const groupsNotAccepted = (source: string): ScimError => new ScimError(403, undefined,
  `The scim source "${source}" does not accept groups (its config.accept_groups is false)`)
