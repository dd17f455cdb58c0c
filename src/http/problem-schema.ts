import { Type } from 'typebox'

/** RFC 9457 problem details as this service renders them. */
export const ProblemSchema = Type.Object({
  type: Type.String({ format: 'uri', description: 'Stable URI of the problem type; documented in docs/problems.md.' }),
  title: Type.String({ description: 'Short summary of the problem type.' }),
  status: Type.Integer({ description: 'HTTP status code.' }),
  detail: Type.Optional(Type.String({ description: 'What went wrong this time.' })),
  instance: Type.Optional(Type.String({ description: 'The request path.' })),
  errors: Type.Optional(Type.Array(Type.Object({
    pointer: Type.String({ description: 'JSON Pointer (RFC 6901) to what was wrong.' }),
    detail: Type.String({ description: 'What was wrong there.' }),
    location: Type.Optional(Type.Enum(['body', 'query', 'path', 'header'], { description: 'What the pointer points into; body when absent.' }))
  }), { description: 'Each validation failure.' }))
}, { additionalProperties: true, description: 'RFC 9457 problem details.' })
