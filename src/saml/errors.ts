/**
 * A SAML document that behorig will not accept. The message names the rule that refused
 * it (for an administrator or a relying party's developer), never the document's content.
 */
export class SamlError extends Error {
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'SamlError'
  }
}
