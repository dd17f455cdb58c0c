import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database, SigningKeyTable } from '../store/database-types.js'
import type { PublicJwk, SigningAlg } from './key-material.js'
import { jsonColumn } from '../store/json-column.js'

export type KeyState = 'next' | 'active' | 'retired'

/** What a key signs: tokens (published at /.well-known/jwks.json) or behorig's federation statements (published in its Entity Configuration). */
export const KEY_PURPOSES = ['token', 'federation'] as const
export type KeyPurpose = typeof KEY_PURPOSES[number]

export interface StoredKey {
  kid: string
  alg: SigningAlg
  state: KeyState
  publicJwk: PublicJwk
  sealedPrivateKey: string
  createdAt: Date
  activatedAt: Date | null
  retiredAt: Date | null
  publishUntil: Date | null
}

// Arbitrary constant: the advisory lock every process takes before changing key states.
const ROTATION_LOCK = 74_251_904

export interface KeyRepository {
  /** Keys that may still verify a live token: next, active, and retired ones not yet expired. */
  published (now: Date): Promise<StoredKey[]>
  active (): Promise<StoredKey | undefined>
  next (): Promise<StoredKey | undefined>
  insert (key: Omit<StoredKey, 'retiredAt' | 'publishUntil'>): Promise<void>
  activate (kid: string, at: Date): Promise<void>
  retire (kid: string, at: Date, publishUntil: Date): Promise<void>
  /** Deletes retired keys whose tokens have all expired; returns their kids. */
  deleteExpired (now: Date): Promise<string[]>
  /** Tells every process sharing the store, once the rotation commits, to drop its cached signer (KEY_ROTATION_CHANNEL). */
  announceRotation (): Promise<void>
  /**
   * Runs `fn` in one transaction holding the rotation lock, so processes rotate one at a
   * time; `fn` also gets the transaction, to record the rotation in the audit log with it.
   */
  withRotationLock<T> (fn: (keys: KeyRepository, trx: Transaction<Database>) => Promise<T>): Promise<T>
}

/** The keys of one purpose: the two sets never see each other's keys, and rotate each on its own. */
/** The NOTIFY channel a committed rotation is announced on (payload: the key purpose). */
export const KEY_ROTATION_CHANNEL = 'behorig_signing_keys'

export function keyRepository (db: Kysely<Database>, purpose: KeyPurpose = 'token'): KeyRepository {
  const select = () => db.selectFrom('signing_keys').selectAll().where('purpose', '=', purpose)
  const keyed = (kid: string) => db.updateTable('signing_keys').where('kid', '=', kid).where('purpose', '=', purpose)
  const repository: KeyRepository = {
    async published (now) {
      const rows = await select()
        .where((eb) => eb.or([eb('state', 'in', ['next', 'active']), eb('publish_until', '>', now)]))
        .orderBy(sql`case state when 'active' then 0 when 'next' then 1 else 2 end`).orderBy('created_at', 'desc')
        .execute()
      return rows.map(toKey)
    },
    async active () {
      const row = await select().where('state', '=', 'active').executeTakeFirst()
      return row ? toKey(row) : undefined
    },
    async next () {
      const row = await select().where('state', '=', 'next').executeTakeFirst()
      return row ? toKey(row) : undefined
    },
    async insert (key) {
      await db.insertInto('signing_keys').values({
        kid: key.kid,
        alg: key.alg,
        state: key.state,
        public_jwk: JSON.stringify(key.publicJwk),
        private_key: key.sealedPrivateKey,
        created_at: key.createdAt,
        activated_at: key.activatedAt,
        purpose
      }).execute()
    },
    async activate (kid, at) {
      await keyed(kid).set({ state: 'active', activated_at: at }).execute()
    },
    async retire (kid, at, publishUntil) {
      await keyed(kid).set({ state: 'retired', retired_at: at, publish_until: publishUntil }).execute()
    },
    async deleteExpired (now) {
      const rows = await db.deleteFrom('signing_keys').where('purpose', '=', purpose).where('state', '=', 'retired').where('publish_until', '<=', now).returning('kid').execute()
      return rows.map((r) => r.kid)
    },
    async announceRotation () {
      await sql`select pg_notify(${KEY_ROTATION_CHANNEL}, ${purpose})`.execute(db)
    },
    async withRotationLock (fn) {
      return db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${ROTATION_LOCK})`.execute(trx)
        return fn(keyRepository(trx, purpose), trx)
      })
    }
  }
  return repository
}

function toKey (row: Record<keyof SigningKeyTable, unknown>): StoredKey {
  return {
    kid: String(row.kid),
    alg: row.alg as SigningAlg,
    state: row.state as KeyState,
    publicJwk: jsonColumn<PublicJwk>(row.public_jwk),
    sealedPrivateKey: String(row.private_key),
    createdAt: new Date(row.created_at as Date),
    activatedAt: row.activated_at ? new Date(row.activated_at as Date) : null,
    retiredAt: row.retired_at ? new Date(row.retired_at as Date) : null,
    publishUntil: row.publish_until ? new Date(row.publish_until as Date) : null
  }
}
