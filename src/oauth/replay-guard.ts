import { Redis } from 'ioredis'

/**
 * Remembers client-assertion `jti`s until the assertion expires, so each is accepted once
 * (RFC 7523 §3 item 7). Redis when REDIS_URL is set, so every API node sees every jti;
 * the store otherwise.
 */
export interface ReplayGuard {
  /** True the first time this client's jti is seen before `expiresAt`; false for a replay. */
  firstUse (clientId: string, jti: string, expiresAt: Date): Promise<boolean>
  close (): Promise<void>
}

export function redisReplayGuard (redisUrl: string, prefix: string): ReplayGuard {
  // Lazy: a job worker builds the same services but never authenticates clients.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true })
  redis.on('error', () => { /* reconnects; a failing SET makes the token request fail, never pass */ })
  return {
    async firstUse (clientId, jti, expiresAt) {
      const key = `${prefix}:jti:${clientId.length}:${clientId}:${jti}`
      // At least one second: PXAT in the past would be refused by Redis.
      const at = Math.max(expiresAt.getTime(), Date.now() + 1000)
      return (await redis.call('SET', key, '1', 'PXAT', String(at), 'NX')) === 'OK'
    },
    async close () { redis.disconnect() }
  }
}
