/**
 * The OpenAPI tags, in the order of the flow: openapi.yaml lists them (and /docs shows them)
 * in this order. Every route names one of these; a test fails on an operation without one.
 */
export const API_TAGS = [
  { name: 'Discovery', description: 'Where everything is: the authorization server metadata (RFC 8414) names the token endpoint, the JWKS and the supported grants. Start here when writing a client.' },
  { name: 'Problem types', description: 'What each RFC 9457 problem `type` URI means and what to do about it: every error\'s `type` resolves here.' },
  { name: 'Organisations', description: 'Step 1 (platform admin): register the municipality, region or agency by its organisation number; optionally its identity provider. Stewards read their organisation and its unit tree.' },
  { name: 'API keys', description: 'Step 1, continued: keys for an organisation\'s stewards and integrations, each with the scopes it needs (e.g. `sources:write` for HR imports, `mappings:write` to publish). A key is shown once.' },
  { name: 'Sources & sync', description: 'Step 2 (steward): register where people come from (HR file or URL, SCIM, LDAP), feed it, and follow each sync run: counts, quarantined records, runs held for approval.' },
  { name: 'SCIM', description: 'Step 2, push variant: an identity-management system pushes users and groups over SCIM 2.0 (RFC 7643/7644) into the organisation\'s scim source. Errors use SCIM\'s own format.' },
  { name: 'Catalog', description: 'The shared attribute catalog, public and versioned: what a mapping may grant and what a token may carry, e.g. `socialtjanst.eb.handlaggare`.' },
  { name: 'Mappings', description: 'Step 3 (steward): rules from HR and directory facts to catalog attributes. Submit a draft, preview who gains and loses what, publish.' },
  { name: 'People', description: 'Step 3, checking: the people the sources gave, with employments, groups and the effective attributes the active mapping grants, and why.' },
  { name: 'Assignments', description: 'Step 3, exceptions (steward): grant one attribute to one person for a bounded period with a reason (förordnande), also to a substitute not in HR; ending one early revokes its live tokens.' },
  { name: 'Identity providers', description: 'Step 4, logins (platform admin): the SAML 2.0 and OpenID Connect identity providers whose logins relying parties may trade for attribute tokens, each serving one or several organisations.' },
  { name: 'Relying parties', description: 'Step 4 (platform admin): register an agency\'s client: its public keys and what may be released to it.' },
  { name: 'Relying-party approvals', description: 'Step 4, continued (steward): the organisation approves each agency for what it may receive about its people, for which purposes and under which agreement; withdrawing revokes its live tokens.' },
  { name: 'OAuth', description: 'Step 5 (agency): an access token by client credentials with `private_key_jwt` (RFC 7523), or an attribute token by token exchange (RFC 8693).' },
  { name: 'Attribute tokens', description: 'Step 5, continued (agency): one person\'s attributes as a signed JWT, with an access token from `/oauth/token`.' },
  { name: 'Status lists', description: 'Step 6 (agency): whether an attribute token has been revoked, as a signed Token Status List (draft-ietf-oauth-status-list).' },
  { name: 'Keys', description: 'Step 6, continued: the public keys that verify every token behorig signs; rotation by the platform admin.' },
  { name: 'Audit', description: 'Hash-chained audit logs per organisation and for the platform, disclosures per person, chain verification and signed checkpoints.' },
  { name: 'Health', description: 'Liveness and readiness, for load balancers and orchestrators.' }
] as const

export type ApiTag = typeof API_TAGS[number]['name']
