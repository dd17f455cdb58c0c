/**
 * An outbound fetch or connection failed. `reason` is short and safe to show an
 * administrator (no addresses, no error codes); `message` holds the detail for the server
 * log. Callers that answer unauthenticated requests show neither.
 */
export class OutboundFailed extends Error {
  readonly reason: string
  constructor (reason: string, detail: string, options?: ErrorOptions) {
    super(detail, options)
    this.reason = reason
    this.name = 'OutboundFailed'
  }
}

/** Refused before or instead of connecting: not https (or TLS), a non-public address, a redirect too many or to http. */
export class OutboundRefused extends OutboundFailed {
  constructor (reason: string, detail: string) {
    super(reason, detail)
    this.name = 'OutboundRefused'
  }
}
