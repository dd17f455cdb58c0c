/**
 * A trust chain (or trust mark) that does not hold. `message` is a short reason an
 * unauthenticated caller may be shown (it names no key, address or secret); the outbound
 * guard logs fetch details on its own.
 */
export class FederationRefused extends Error {
  constructor (message: string, options?: ErrorOptions) { super(message, options); this.name = 'FederationRefused' }
}
