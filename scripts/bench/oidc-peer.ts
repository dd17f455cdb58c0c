/**
 * The peer baseline for scripts/bench/tokens.ts: panva's oidc-provider (the reference
 * Node.js authorization server) issuing JWT access tokens (ES256) for the client-credentials
 * grant, the client authenticating with private_key_jwt as behorig's clients do, or with
 * PEER_CLIENT_SECRET set, client_secret_post: the cheapest thing an agency could run instead.
 * Env: PEER_PORT, PEER_CLIENT_JWK (the client's public JWK). Prints "ready" when listening.
 */
import { generateKeyPairSync } from 'node:crypto'
import Provider from 'oidc-provider'

const port = Number(process.env['PEER_PORT'])
const issuer = `http://127.0.0.1:${port}`
const clientJwk = JSON.parse(process.env['PEER_CLIENT_JWK'] ?? '{}') as Record<string, unknown>
const clientSecret = process.env['PEER_CLIENT_SECRET']
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const resource = 'https://rs.bench.test'

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'bench',
    ...(clientSecret
      ? { token_endpoint_auth_method: 'client_secret_post', client_secret: clientSecret }
      : { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256' }),
    id_token_signed_response_alg: 'ES256',
    jwks: { keys: [clientJwk] },
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: 'api'
  }],
  scopes: ['api'],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'peer-1', alg: 'ES256', use: 'sig' }] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'api', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'ES256' } } })
    }
  }
})
let reported = 0
provider.on('server_error', (_ctx, err) => { if (reported++ < 3) process.stderr.write(`peer server_error: ${String(err)}\n`) })
provider.on('grant.error', (_ctx, err) => { if (reported++ < 3) process.stderr.write(`peer grant.error: ${String(err)}\n`) })
provider.listen(port, '127.0.0.1', () => { process.stdout.write('ready\n') })
