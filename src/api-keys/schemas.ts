import { Type, type Static } from 'typebox'
import { Nullable } from '../http/nullable.js'
import { SCOPES, SCOPE_DESCRIPTIONS } from '../auth/scopes.js'

export const ScopeSchema = Type.Enum(SCOPES, {
  description: 'One of: ' + SCOPES.map((s) => `\`${s}\` (${SCOPE_DESCRIPTIONS[s]})`).join('; ')
})

export const ApiKeyInput = Type.Object({
  scopes: Type.Array(ScopeSchema, { minItems: 1, uniqueItems: true, description: 'What the key may do.' }),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A label for people, e.g. "HR import from Heroma".' }))
}, { additionalProperties: false, examples: [{ name: 'Steward, Exempelkommun socialförvaltning', scopes: ['organisation:read', 'sources:read', 'sources:write', 'people:read', 'mappings:read', 'mappings:write'] }] })
export type ApiKeyInput = Static<typeof ApiKeyInput>

export const ApiKey = Type.Object({
  id: Type.String({ description: 'Key id; also the second part of the key itself.' }),
  name: Nullable(Type.String()),
  scopes: Type.Array(ScopeSchema),
  created_at: Type.String({ format: 'date-time' })
})
export type ApiKey = Static<typeof ApiKey>

export const CreatedApiKey = Type.Object({
  id: Type.String(),
  key: Type.String({ description: 'The key, `bhk_<id>_<secret>`. Shown once; only its hash is stored.' }),
  scopes: Type.Array(ScopeSchema),
  name: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' })
}, { examples: [{ id: 'Kq3vX9mTa2LbR7wE', key: 'bhk_Kq3vX9mTa2LbR7wE_9fJ2kL8qW4eR6tY1uI3oP5aS7dF0gH2j', scopes: ['organisation:read', 'sources:read', 'sources:write', 'people:read', 'mappings:read', 'mappings:write'], name: 'Steward, Exempelkommun socialförvaltning', created_at: '2026-02-03T09:20:00.000Z' }] })

export const ApiKeyParams = Type.Object({
  org: Type.String({ 'x-organisation-number': 'path', description: 'Organisation number, 10 digits.' }),
  id: Type.String({ pattern: '^[A-Za-z0-9-]{16}$', description: 'Key id.' })
})

export const ApiKeyList = Type.Object({ items: Type.Array(ApiKey), next_cursor: Nullable(Type.String()) }, {
  examples: [{ items: [{ id: 'Kq3vX9mTa2LbR7wE', name: 'Steward, Exempelkommun socialförvaltning', scopes: ['organisation:read', 'sources:read', 'sources:write', 'people:read', 'mappings:read', 'mappings:write'], created_at: '2026-02-03T09:20:00.000Z' }, { id: 'h7Yt2PqZ0xWc4NvB', name: 'HR import from Heroma', scopes: ['sources:write'], created_at: '2026-02-04T07:00:00.000Z' }], next_cursor: null }]
})
