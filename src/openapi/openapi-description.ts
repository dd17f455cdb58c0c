/** `info.description` of openapi.yaml: what the service is for, the flow through it, and where the docs are. */
export const OPENAPI_DESCRIPTION = `behorig syncs municipal HR and directory data, maps it to a shared attribute catalog, and issues signed attribute tokens to national agencies.

## The flow

1. **Register the organisation** (platform admin): \`PUT /v1/organisations/{org}\`, then \`POST /v1/organisations/{org}/api-keys\` gives its steward a key with the scopes the work needs, e.g. \`sources:write\`, \`mappings:write\`, \`people:read\`.
2. **Register and feed its sources** (steward): \`POST /v1/organisations/{org}/sources\`, then upload an HR snapshot to \`…/sources/{id}/imports\`, start a pull with \`…/sources/{id}/sync\`, or let an identity-management system push over SCIM. Follow the run at \`…/sync-runs/{run}\`.
3. **Publish a mapping** (steward): \`POST /v1/organisations/{org}/mappings\` submits a draft that grants catalog attributes (\`GET /v1/catalog\`), \`…/mappings/{version}/preview\` shows who gains and loses what, \`…/mappings/{version}/publish\` makes it active. \`…/people/{id}/attributes/{attr}/explain\` says why someone holds an attribute, or not.
4. **Register the agency** (platform admin): \`PUT /v1/relying-parties/{client_id}\` with its public keys and what may be released to it.
5. **Get a token** (agency): \`POST /oauth/token\` with \`grant_type=client_credentials\` and a \`private_key_jwt\` client assertion gives an access token; \`POST /v1/attribute-tokens\` with it gives one person's attributes as a signed JWT.
6. **Verify** (agency): check the attribute token's signature with \`/.well-known/jwks.json\` and its revocation bit in the status list its \`status\` claim names (\`/status-lists/{id}\`).

Authentication is a bearer token: the platform admin token, an organisation API key (\`bhk_…\`), or, on \`/v1/attribute-tokens\`, a relying party's access token. Each operation says which it needs. Errors are RFC 9457 problem details (\`application/problem+json\`); OAuth and SCIM keep their own error formats.

## Documentation

This document is served at \`/openapi.json\` and browsable at \`/docs\`. The repository's \`README.md\` walks through the flow; \`docs/\` has one file per subject: \`mappings.md\` (writing mappings), \`tokens.md\` (attribute tokens and how to verify them), \`problems.md\` (every problem \`type\`), \`scim.md\`, \`ldap.md\`, \`audit.md\`, \`security.md\` and \`performance.md\`. The JSON Schemas of source configs, HR snapshots, mappings and relying parties are in \`schemas/\`.`
