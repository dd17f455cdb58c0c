import { Type } from 'typebox'

export const PublicJwkSchema = Type.Object({
  kty: Type.String({ description: '`EC` (ES256) or `OKP` (EdDSA).' }),
  crv: Type.String({ description: '`P-256` or `Ed25519`.' }),
  x: Type.String(),
  y: Type.Optional(Type.String()),
  kid: Type.String({ description: 'Key id: the RFC 7638 thumbprint of the key; tokens name it in their `kid` header.' }),
  alg: Type.Enum(['ES256', 'EdDSA']),
  use: Type.Literal('sig')
})

export const JwksSchema = Type.Object({
  keys: Type.Array(PublicJwkSchema, { description: 'The active key, the next key (published before it signs) and retired keys whose tokens may still be live.' })
}, { description: 'JSON Web Key Set (RFC 7517) of the keys behorig signs tokens with.' })

const KeySummary = Type.Object({
  kid: Type.String(),
  alg: Type.Enum(['ES256', 'EdDSA']),
  created_at: Type.String({ format: 'date-time' })
})

export const RotationResultSchema = Type.Object({
  rotated: Type.Boolean({ description: 'Whether the active key changed.' }),
  active: KeySummary,
  next: KeySummary,
  removed: Type.Array(Type.String(), { description: 'Retired keys dropped from JWKS because every token they signed has expired.' })
})
