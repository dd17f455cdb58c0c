import type { Ajv } from 'ajv'
import { parseOrganisationNumber } from '../identifiers/organisation-number.js'

/**
 * `x-organisation-number` (`"body"` accepts NNNNNN-NNNN and normalises it in place; `"path"`
 * wants exactly 10 digits): reports which rule failed instead of a bare pattern mismatch.
 */
export function addBehorigKeywords (ajv: Ajv): Ajv {
  ajv.addKeyword({
    keyword: 'x-organisation-number',
    type: 'string',
    modifying: true,
    errors: true,
    schemaType: 'string',
    validate: function validateOrganisationNumber (mode: string, data: string, _schema?: unknown, ctx?: { parentData: Record<string | number, unknown>, parentDataProperty: string | number }) {
      const result = parseOrganisationNumber(data, mode !== 'path')
      const self = validateOrganisationNumber as unknown as { errors: unknown[] }
      if (!result.ok) {
        self.errors = [{ keyword: 'x-organisation-number', message: `is not a valid organisation number: ${result.message}`, params: { rule: result.rule } }]
        return false
      }
      if (ctx?.parentData && result.value !== data) ctx.parentData[ctx.parentDataProperty] = result.value
      return true
    }
  })
  return ajv
}
