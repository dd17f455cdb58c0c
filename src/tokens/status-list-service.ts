import { randomInt } from 'node:crypto'
import { MAX_TOKEN_LIFETIME_SECONDS, type KeyService } from '../keys/service.js'
import { encodeStatusList, STATUS_BITS, STATUS_INVALID, STATUS_LIST_TYPE, STATUS_VALID } from './status-list.js'
import type { StatusListRepository } from './status-list-repository.js'
import { UnknownStatusIndex } from './errors.js'

/** What a referenced token carries (draft-ietf-oauth-status-list §6.1): `status: { status_list: { idx, uri } }`. */
export interface StatusReference { listId: number, idx: number, uri: string }

export interface StatusListService {
  /** A fresh index for a token about to be issued; never handed out twice. */
  allocate (): Promise<StatusReference>
  /** Marks a token invalid (revoked), or valid again. */
  setStatus (listId: number, idx: number, invalid: boolean): Promise<void>
  /** The signed Status List Token, or undefined for an unknown list. */
  token (listId: number): Promise<string | undefined>
  uriOf (listId: number): string
  /** Seconds a consumer may cache the list token (`ttl`, and Cache-Control max-age). */
  readonly ttlSeconds: number
}

export interface StatusListOptions {
  /** Entries per list; the draft suggests large lists for herd privacy. */
  listSize?: number
  /** Indices a process reserves at a time, handed out in random order. */
  blockSize?: number
  ttlSeconds?: number
  /** Status list tokens are signed by keys that stay published only as long as the longest token lifetime. */
  lifetimeSeconds?: number
}

export interface StatusListDeps {
  lists: StatusListRepository
  keys: Pick<KeyService, 'signer'>
  issuer: string
  now?: () => number
}

export function statusListService (deps: StatusListDeps, options: StatusListOptions = {}): StatusListService {
  const listSize = options.listSize ?? 131_072
  const blockSize = options.blockSize ?? 256
  const ttlSeconds = options.ttlSeconds ?? 60
  const lifetimeSeconds = Math.min(options.lifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS, MAX_TOKEN_LIFETIME_SECONDS)
  const now = deps.now ?? Date.now
  const uriOf = (listId: number): string => `${deps.issuer}/status-lists/${listId}`
  let pool: Array<{ listId: number, idx: number }> = []
  let refilling: Promise<void> | undefined

  async function refill (): Promise<void> {
    const { listId, from, to } = await deps.lists.reserve(blockSize, listSize)
    const block = Array.from({ length: to - from }, (_, i) => ({ listId, idx: from + i }))
    // Random order within a block, so neighbouring indices do not mean neighbouring issuance.
    for (let i = block.length - 1; i > 0; i--) {
      const j = randomInt(i + 1)
      ;[block[i], block[j]] = [block[j] as typeof block[number], block[i] as typeof block[number]]
    }
    pool = pool.concat(block)
  }

  /** The reservation under way, or a new one: never two at once. */
  const reserveNext = (): Promise<void> => (refilling ??= refill().finally(() => { refilling = undefined }))

  return {
    ttlSeconds,
    uriOf,
    async allocate () {
      // The next block is reserved while a quarter of this one is left, so issuance does
      // not stop for the reservation's round trip.
      // A failed reservation in the background is retried by the next call; only a caller
      // left waiting for it (below) sees the error.
      if (pool.length <= blockSize / 4 && !refilling) reserveNext().catch(() => {})
      while (pool.length === 0) await reserveNext()
      const { listId, idx } = pool.pop() as { listId: number, idx: number }
      return { listId, idx, uri: uriOf(listId) }
    },
    async setStatus (listId, idx, invalid) {
      if (!Number.isInteger(idx) || idx < 0 || !await deps.lists.setStatus(listId, idx, invalid ? STATUS_INVALID : STATUS_VALID)) {
        throw UnknownStatusIndex(`Status list ${listId} has no index ${idx}`)
      }
    },
    async token (listId) {
      const list = await deps.lists.find(listId)
      if (!list) return undefined
      const iat = Math.floor(now() / 1000)
      return deps.keys.signer.sign({ typ: STATUS_LIST_TYPE }, {
        // Not required by the draft, but lets verifiers check the list came from the token's issuer.
        iss: deps.issuer,
        sub: uriOf(listId),
        iat,
        exp: iat + lifetimeSeconds,
        ttl: ttlSeconds,
        status_list: { bits: STATUS_BITS, lst: encodeStatusList(list.bits) }
      })
    }
  }
}
