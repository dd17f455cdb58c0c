/**
 * Token requests are a form with one client assertion, or a small JSON subject: a few kB is
 * plenty, and a low limit stops a flood of large bodies before any parsing or signature work.
 * The token routes set it as their `bodyLimit`. Admin JSON documents and SCIM resources keep
 * the server's BEHORIG_BODY_LIMIT (1 MiB by default, the bulk maxPayloadSize in RFC 7643
 * §8.5's example for SCIM); snapshot imports are streamed and capped by BEHORIG_IMPORT_LIMIT
 * in their route.
 */
export const TOKEN_BODY_LIMIT = 8192
