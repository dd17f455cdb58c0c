import { Type } from 'typebox'

/** The wire form of an AuditActor (audit-event.ts). */
export const ActorSchema = Type.Union([
  Type.Object({ kind: Type.Literal('platform-admin') }),
  Type.Object({ kind: Type.Literal('api-key'), key_id: Type.String(), organisation: Type.String() }),
  Type.Object({ kind: Type.Literal('relying-party'), client_id: Type.String() }),
  Type.Object({ kind: Type.Literal('system'), component: Type.String() })
], { description: 'Who did it: never a secret or a personnummer.' })
