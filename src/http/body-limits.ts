/**
 * Token requests are a form with one client assertion, or a small JSON subject: a few kB is
 * plenty, and a low limit stops a flood of large bodies before any parsing or signature work.
 * The attribute-token route sets it as its `bodyLimit`; the token endpoint has its own below. Admin JSON documents and SCIM resources keep
 * the server's BEHORIG_BODY_LIMIT (1 MiB by default, the bulk maxPayloadSize in RFC 7643
 * §8.5's example for SCIM); snapshot imports are streamed and capped by BEHORIG_IMPORT_LIMIT
 * in their route.
 */
export const TOKEN_BODY_LIMIT = 8192

/**
 * The token endpoint's limit: a form with a client assertion and, for token exchange, a
 * subject token, which may be a base64url SAML assertion of up to 64 KiB (about 87 kB
 * encoded). Still far below the admin documents' limit.
 */
export const TOKEN_ENDPOINT_BODY_LIMIT = 98_304
