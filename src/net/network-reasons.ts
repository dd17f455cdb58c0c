const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out'
}

/** What a Node network error code means, in words an administrator searches for; undefined for other codes. */
export function networkReason (code: string): string | undefined {
  return NETWORK_REASONS[code]
}

/** Whether a TLS error code says the peer's certificate was not accepted. */
export function isCertificateCode (code: string): boolean {
  return code.startsWith('ERR_TLS_CERT') || /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)
}
