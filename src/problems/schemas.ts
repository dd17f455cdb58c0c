import { Type } from 'typebox'

const EXAMPLE_TYPE = 'https://behorig.example.se/problems/unknown-organisation'

export const ProblemSlugParams = Type.Object({
  slug: Type.String({ maxLength: 100, description: 'The last segment of a problem `type` URI, e.g. `unknown-organisation`.' })
})

export const ProblemTypeSchema = Type.Object({
  type: Type.String({ format: 'uri', description: 'The type URI problems of this type carry: this resource.' }),
  title: Type.String({ description: 'The `title` problems of this type carry.' }),
  status: Type.Integer({ description: 'The HTTP status problems of this type are answered with.' })
}, { examples: [{ type: EXAMPLE_TYPE, title: 'Unknown organisation', status: 404 }] })

export const ProblemTypeDocSchema = Type.Object({
  ...ProblemTypeSchema.properties,
  description: Type.String({ description: 'When the service answers with this type and what to do, in Markdown (docs/problems.md).' })
}, {
  description: 'One problem type, as documented in docs/problems.md.',
  examples: [{ type: EXAMPLE_TYPE, title: 'Unknown organisation', status: 404, description: 'No organisation with that number is registered.' }]
})

export const ProblemTypeIndexSchema = Type.Object({
  problems: Type.Array(ProblemTypeSchema, { description: 'Every problem type the service answers with, by slug.' })
}, { description: 'The problem types of this service.', examples: [{ problems: [{ type: EXAMPLE_TYPE, title: 'Unknown organisation', status: 404 }] }] })

export const DocumentText = Type.String({ description: 'The documentation as an HTML page (text/html) or Markdown (text/markdown).' })
