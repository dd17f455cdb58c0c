/** Examples for openapi.yaml: real-shaped, signed by no key (the signature is a placeholder). */
const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

export const ENTITY_CONFIGURATION_EXAMPLE = [
  encode({ alg: 'ES256', kid: 'p4Q7jq1vKJ3cC0nXwq2Zl5a0m9HnKxS1dE2fG3hI4jk', typ: 'entity-statement+jwt' }),
  encode({
    iss: 'https://behorig.example.se',
    sub: 'https://behorig.example.se',
    iat: 1796428800,
    exp: 1796515200,
    jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'br_-4qO0oJibGY8U800HtDfSwk0czQ1b5jVObDqaAAE', y: 'kkr-CiIk-FtxLIqt003EnRF5oGLNs0bQ6-DyONh7ZBo', kid: 'p4Q7jq1vKJ3cC0nXwq2Zl5a0m9HnKxS1dE2fG3hI4jk', alg: 'ES256', use: 'sig' }] },
    metadata: {
      oauth_authorization_server: { issuer: 'https://behorig.example.se', token_endpoint: 'https://behorig.example.se/oauth/token', jwks_uri: 'https://behorig.example.se/.well-known/jwks.json' },
      federation_entity: { organization_name: 'behorig', homepage_uri: 'https://behorig.example.se' }
    },
    authority_hints: ['https://federation.example.se']
  }),
  'c2lnbmF0dXJl'
].join('.')
