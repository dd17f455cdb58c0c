/** Paths pino must never print: credentials, secrets and personal identity numbers. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]',
  '*.password', '*.bind_password', '*.secret', '*.client_secret', '*.token', '*.key',
  '*.personal_identity_number', '*.personalIdentityNumber',
  // A database error carries the failed statement's parameters (PGlite's does): names, e-mail addresses.
  'err.params', '*.err.params'
]
