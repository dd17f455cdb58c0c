import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { ChainPosition } from '../audit/audit-chain-repository.js'
import type { IssuedTokenRecord } from './attribute-token-repository.js'

/** An attribute a person holds, as effective_attributes has it. */
export interface HeldRow { organisation: string, person_id: string, attribute_id: string, unit_id: string | null }

/** The issuance ledger's writes (attribute_tokens with their audit events) and its read-back. */
export function issuanceLedgerRepository (db: Kysely<Database> | Transaction<Database>) {
  return {
    async insertTokens (tokens: readonly IssuedTokenRecord[]): Promise<void> {
      await db.insertInto('attribute_tokens').values(tokens.map((token) => ({ ...token, attributes: JSON.stringify(token.attributes) }))).execute()
    },
    /**
     * One statement (behorig_record_tokens, migration 0011): it moves the chain's head from
     * `from` to `to` only if it is still `from`, and writes the tokens and events only if it
     * moved. Tells whether it did.
     */
    async recordIfHeadUnmoved (chain: string, from: ChainPosition, to: ChainPosition, eventsJson: string, tokens: readonly IssuedTokenRecord[]): Promise<boolean> {
      const { rows: [result] } = await sql<{ moved: boolean }>`
      select behorig_record_tokens(${chain}, ${from.seq}, ${from.head}, ${to.seq}, ${to.head}, ${eventsJson}::jsonb, ${JSON.stringify(tokens)}::jsonb) as moved`.execute(db)
      return result?.moved === true
    },
    /** Every attribute the given people hold now. */
    async heldBy (people: ReadonlyArray<{ organisation: string, person_id: string }>): Promise<HeldRow[]> {
      const { rows } = await sql<HeldRow>`
    select ea.organisation, ea.person_id, ea.attribute_id, ea.unit_id
      from unnest(${people.map((t) => t.organisation)}::text[], ${people.map((t) => t.person_id)}::text[]) as who(organisation, person_id)
      join effective_attributes ea on ea.organisation = who.organisation and ea.person_id = who.person_id`.execute(db)
      return rows
    }
  }
}
