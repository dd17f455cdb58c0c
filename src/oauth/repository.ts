import { sql, type Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { ReplayGuard } from './replay-guard.js'

/** The replay guard on the store, for deployments without Redis (the embedded default). */
export function storeReplayGuard (db: Kysely<Database>): ReplayGuard {
  let calls = 0
  return {
    async firstUse (clientId, jti, rememberForMs) {
      // Every 256th call sweeps expired entries; an expired entry is also overwritten in place.
      // Expiry is counted on the database's clock alone, whatever the API node's says.
      if (++calls % 256 === 0) await db.deleteFrom('client_assertion_jtis').where('expires_at', '<=', sql<Date>`now()`).execute()
      const expiresAt = sql<Date>`now() + make_interval(secs => ${Math.ceil(rememberForMs) / 1000}::double precision)`
      const row = await db.insertInto('client_assertion_jtis')
        .values({ client_id: clientId, jti, expires_at: expiresAt })
        .onConflict((oc) => oc.columns(['client_id', 'jti']).doUpdateSet({ expires_at: (eb) => eb.ref('excluded.expires_at') })
          .where(sql<boolean>`client_assertion_jtis.expires_at <= now()`))
        .returning('jti')
        .executeTakeFirst()
      return row !== undefined
    },
    async close () {}
  }
}
