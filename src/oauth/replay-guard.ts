import { Redis } from 'ioredis'

/**
 * Remembers client-assertion `jti`s for as long as their assertion can be accepted, so each
 * is accepted once (RFC 7523 §3 item 7). Redis when REDIS_URL is set, so every API node sees
 * every jti; the store otherwise. The time is given as a duration and counted on the shared
 * store's clock, so an API node whose clock differs from it still gets the whole window.
 */
export interface ReplayGuard {
  /** True the first time this client's jti is seen in the last `rememberForMs`; false for a replay. */
  firstUse (clientId: string, jti: string, rememberForMs: number): Promise<boolean>
  close (): Promise<void>
}

export function redisReplayGuard (redisUrl: string, prefix: string): ReplayGuard {
  // Lazy: a job worker builds the same services but never authenticates clients.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true })
  redis.on('error', () => { /* reconnects; a failing SET makes the token request fail, never pass */ })
  return {
    async firstUse (clientId, jti, rememberForMs) {
      const key = `${prefix}:jti:${clientId.length}:${clientId}:${jti}`
      // PX must be a positive integer: rounded up, so the window is never cut short.
      const px = Math.max(1, Math.ceil(rememberForMs))
      return (await redis.call('SET', key, '1', 'PX', String(px), 'NX')) === 'OK'
    },
    async close () { redis.disconnect() }
  }
}
