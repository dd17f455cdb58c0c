import { createPrivateKey, type KeyObject } from 'node:crypto'
import type { SecretBox } from '../crypto/secret-box.js'
import { generateSigningKey, signCompact, signCompactInPool, type PublicJwk, type SigningAlg } from './key-material.js'
import type { KeyPurpose, KeyRepository, KeyState, StoredKey } from './repository.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AuditActor } from '../audit/audit-event.js'

export const KEY_ROTATION_JOB = 'keys.rotate'
/** How often the rotation job looks whether a rotation is due (it rotates only when it is). */
export const KEY_ROTATION_SCHEDULE = '*/5 * * * *'
/** No token behorig signs lives longer than this (relying parties' token_lifetime is capped at it). */
export const MAX_TOKEN_LIFETIME_SECONDS = 3600
/** Who rotates when no admin asked: the start-up check and the rotation job. */
export const KEY_ROTATION_ACTOR: AuditActor = { kind: 'system', component: 'key-rotation' }

/** One key's move in a rotation; null is "did not exist" or "deleted". */
interface KeyMove { kid: string, from: KeyState | null, to: KeyState | null }

export interface KeyPolicy {
  alg: SigningAlg
  rotationSeconds: number
  prepublishSeconds: number
  /** How long a process keeps using the active key it loaded before asking the store again. */
  signerCacheSeconds?: number
  /**
   * The longest a signature by these keys is relied on (default MAX_TOKEN_LIFETIME_SECONDS;
   * federation statements live longer): a retired key stays published that long.
   */
  signatureLifetimeSeconds?: number
}

/** What token code holds: it signs, and never sees storage or private key material. */
export interface Signer {
  readonly kid: string
  readonly alg: SigningAlg
  /** A compact JWS over `payload`; `alg` and `kid` in `header` are set by the signer. */
  sign (header: Record<string, unknown>, payload: Record<string, unknown>): string
  /** The same, signed on the thread pool (src/keys/key-material.ts, signCompactInPool). */
  signInPool (header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string>
}

export interface RotationResult {
  rotated: boolean
  active: StoredKey
  next: StoredKey
  removed: string[]
}

export interface KeyService {
  /** Signs with whatever key is active now. */
  readonly signer: { sign (header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> }
  currentSigner (): Promise<Signer>
  /** The public keys verifiers need: next, active and retired keys whose tokens may still live. */
  jwks (): Promise<{ keys: PublicJwk[] }>
  /**
   * Rotates when due (or at once with `force`); creates the first keys on an empty store.
   * Whatever changes is recorded as `key.rotated` in the platform audit chain, with the
   * change, by `actor` (the rotation job's system actor unless an admin asked).
   */
  rotate (options?: { force?: boolean, actor?: AuditActor }): Promise<RotationResult>
  /** Cache-Control max-age for JWKS: well below the pre-publication period, so every cache sees a next key before it signs. */
  readonly jwksMaxAgeSeconds: number
  /** Drops the cached signer: another process rotated (the store's KEY_ROTATION_CHANNEL said so), so the next signature reads the active key anew. */
  forget (): void
  /**
   * Readiness: undefined when an active key is loaded or loads (it opens with this
   * process's key-encryption key), else why not. Never creates a key, unlike signing.
   */
  whyNotReady (): Promise<string | undefined>
  /** Since when the active key signs and when the next is due to take over (the metrics); undefined before the first key. */
  rotationStatus (): Promise<{ activeSince: Date, rotationDue: Date } | undefined>
}

export interface KeyServiceDeps {
  keys: KeyRepository
  box: SecretBox
  policy: KeyPolicy
  /** Recorded in the rotation's audit event for federation keys (token keys' events stay as they were). */
  purpose?: KeyPurpose
  /** Milliseconds since the epoch; tests move time. */
  now?: () => number
}

const purposeOf = (kid: string): string => `signing-key:${kid}`

export function keyService (deps: KeyServiceDeps): KeyService {
  const now = deps.now ?? Date.now
  const cacheMs = (deps.policy.signerCacheSeconds ?? 30) * 1000
  let cached: { signer: Signer, loadedAt: number } | undefined
  let loading: Promise<Signer> | undefined

  function create (state: 'next' | 'active', at: Date): StoredKey {
    const generated = generateSigningKey(deps.policy.alg)
    return {
      kid: generated.kid,
      alg: generated.alg,
      state,
      publicJwk: generated.publicJwk,
      sealedPrivateKey: deps.box.seal(generated.privatePkcs8, purposeOf(generated.kid)),
      createdAt: at,
      activatedAt: state === 'active' ? at : null,
      retiredAt: null,
      publishUntil: null
    }
  }

  /** When `next` may take over from `active`: both have served their time (signing, and published before signing). */
  function dueAt (active: StoredKey, next: StoredKey | undefined): number {
    const activeSince = (active.activatedAt ?? active.createdAt).getTime()
    // A missing next key is made by the next rotation and published for the pre-publication period first.
    const published = next ? next.createdAt.getTime() : now()
    return Math.max(activeSince + deps.policy.rotationSeconds * 1000, published + deps.policy.prepublishSeconds * 1000)
  }

  const isDue = (active: StoredKey, next: StoredKey, at: number): boolean => dueAt(active, next) <= at

  async function rotate (options: { force?: boolean, actor?: AuditActor } = {}): Promise<RotationResult> {
    const result = await deps.keys.withRotationLock(async (keys, trx) => {
      const at = new Date(now())
      const removed = await keys.deleteExpired(at)
      const moves: KeyMove[] = removed.map((kid) => ({ kid, from: 'retired', to: null }))
      let active = await keys.active()
      let next = await keys.next()
      let rotated = false
      if (!active) {
        // An empty store: nothing was ever signed, so no verifier can miss this key.
        active = next ? { ...next, state: 'active', activatedAt: at } : create('active', at)
        if (next) await keys.activate(next.kid, at); else await keys.insert(active)
        moves.push({ kid: active.kid, from: next ? 'next' : null, to: 'active' })
        next = undefined
        rotated = true
      } else if (next && (options.force === true || isDue(active, next, at.getTime()))) {
        // A retired key stays published while a token it signed may live: the longest
        // lifetime, plus the time other processes may still sign with their cached copy.
        const publishUntil = new Date(at.getTime() + ((deps.policy.signatureLifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS) * 1000) + cacheMs)
        await keys.retire(active.kid, at, publishUntil)
        await keys.activate(next.kid, at)
        moves.push({ kid: active.kid, from: 'active', to: 'retired' }, { kid: next.kid, from: 'next', to: 'active' })
        active = { ...next, state: 'active', activatedAt: at }
        next = undefined
        rotated = true
      }
      if (!next) {
        next = create('next', at)
        await keys.insert(next)
        moves.push({ kid: next.kid, from: null, to: 'next' })
      }
      if (rotated) await keys.announceRotation()
      if (moves.length > 0) {
        const details = { rotated, forced: options.force === true, keys: moves, ...(deps.purpose === 'federation' ? { purpose: deps.purpose } : {}) }
        await appendAudit(trx, [{ organisation: null, action: 'key.rotated', actor: options.actor ?? KEY_ROTATION_ACTOR, details }])
      }
      return { rotated, active, next, removed }
    })
    if (result.rotated) cached = undefined
    return result
  }

  function toSigner (key: StoredKey): Signer {
    const privateKey: KeyObject = createPrivateKey(deps.box.open(key.sealedPrivateKey, purposeOf(key.kid)))
    const { kid, alg } = key
    return {
      kid,
      alg,
      sign (header, payload) {
        const { alg: _a, kid: _k, ...rest } = header
        return signCompact(alg, privateKey, { alg, kid, ...rest }, payload)
      },
      signInPool (header, payload) {
        const { alg: _a, kid: _k, ...rest } = header
        return signCompactInPool(alg, privateKey, { alg, kid, ...rest }, payload)
      }
    }
  }

  async function load (): Promise<Signer> {
    const active = await deps.keys.active() ?? (await rotate()).active
    const signer = cached?.signer.kid === active.kid ? cached.signer : toSigner(active)
    cached = { signer, loadedAt: now() }
    return signer
  }

  async function currentSigner (): Promise<Signer> {
    if (cached && now() - cached.loadedAt < cacheMs) return cached.signer
    loading ??= load().finally(() => { loading = undefined })
    return loading
  }

  async function whyNotReady (): Promise<string | undefined> {
    if (cached && now() - cached.loadedAt < cacheMs) return undefined
    const active = await deps.keys.active()
    if (!active) return `no active ${deps.purpose ?? 'token'}-signing key (keys are made at start-up, then rotated by the keys.rotate job)`
    try {
      cached = { signer: cached?.signer.kid === active.kid ? cached.signer : toSigner(active), loadedAt: now() }
    } catch {
      return `the active ${deps.purpose ?? 'token'}-signing key does not open with this process's key-encryption key`
    }
    return undefined
  }

  return {
    signer: { async sign (header, payload) { return (await currentSigner()).signInPool(header, payload) } },
    currentSigner,
    forget () { cached = undefined },
    async jwks () {
      return { keys: (await deps.keys.published(new Date(now()))).map((k) => k.publicJwk) }
    },
    rotate,
    jwksMaxAgeSeconds: Math.min(300, Math.floor(deps.policy.prepublishSeconds / 2)),
    whyNotReady,
    async rotationStatus () {
      const active = await deps.keys.active()
      if (!active) return undefined
      return { activeSince: active.activatedAt ?? active.createdAt, rotationDue: new Date(dueAt(active, await deps.keys.next())) }
    }
  }
}
