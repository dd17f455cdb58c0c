import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { ChainPosition } from '../audit/audit-chain-repository.js'
import type { IssuedTokenRecord } from './attribute-token-repository.js'

/** An attribute a person holds, as effective_attributes has it, that a relying party's approval lets through for a purpose. */
export interface HeldRow { organisation: string, person_id: string, client_id: string, purpose: string | null, attribute_id: string, unit_id: string | null }

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
    /**
     * What each token's person holds now that its relying party's approval (migration 0020)
     * still lets through on `day`, for the purpose it was asked for: a withdrawal or
     * narrowing committed while the token was being issued is seen here.
     */
    async heldFor (tokens: ReadonlyArray<{ organisation: string, person_id: string, client_id: string, purpose?: string | null }>, day: string): Promise<HeldRow[]> {
      const { rows } = await sql<HeldRow>`
    select who.organisation, who.person_id, who.client_id, who.purpose, ea.attribute_id, ea.unit_id
      from unnest(${tokens.map((t) => t.organisation)}::text[], ${tokens.map((t) => t.person_id)}::text[],
                  ${tokens.map((t) => t.client_id)}::text[], ${tokens.map((t) => t.purpose ?? null)}::text[]) as who(organisation, person_id, client_id, purpose)
      join relying_party_approvals ap on ap.organisation = who.organisation and ap.client_id = who.client_id
           and (ap.valid_until is null or ap.valid_until >= ${day}::date)
           and (who.purpose is null or ap.purposes ? who.purpose)
      -- One probe of the person's own rows (effective_attributes_key leads with organisation,
      -- person_id); as a plain join the planner, blind to unnest's rows, read the organisation's
      -- rows of an attribute through effective_attributes_by_attribute instead: every holder's,
      -- for each token (issue 21's profile: 2 000 rows read per token at 2 000 people).
      cross join lateral (select e.attribute_id, e.unit_id from effective_attributes e
                           where e.organisation = who.organisation and e.person_id = who.person_id
                           order by e.person_id, e.attribute_id) ea
     where ap.attributes = '"all-released"'::jsonb or ap.attributes ? ea.attribute_id`.execute(db)
      return rows
    }
  }
}
