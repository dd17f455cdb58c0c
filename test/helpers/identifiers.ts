import { randomInt } from 'node:crypto'
import { luhnCheckDigit } from '../../src/identifiers/luhn.js'

/** A valid, random organisation number (legal-form group 2), so tests never collide. */
export function randomOrganisationNumber (): string {
  let payload = '2' + randomInt(10) + (2 + randomInt(8))
  for (let i = 0; i < 6; i++) payload += randomInt(10)
  return payload + luhnCheckDigit(payload)
}
