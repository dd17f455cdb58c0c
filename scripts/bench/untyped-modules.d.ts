// The two benchmark-only packages ship no types; only what scripts/bench uses is declared.
declare module 'autocannon' {
  export interface Histogram { average: number, mean: number, p50: number, p90: number, p99: number, max: number }
  export interface Result { requests: Histogram, latency: Histogram, non2xx: number, errors: number, timeouts: number, duration: number, '2xx': number }
  export interface Request { method?: string, path?: string, headers?: Record<string, string>, body?: string | Buffer }
  export interface Options {
    url: string
    connections?: number
    duration?: number
    method?: string
    headers?: Record<string, string>
    body?: string
    requests?: Array<Request & { setupRequest?: (request: Request) => Request }>
  }
  function autocannon (options: Options): Promise<Result>
  export default autocannon
}

declare module 'oidc-provider' {
  export default class Provider {
    constructor (issuer: string, configuration: Record<string, unknown>)
    listen (port: number, host: string, callback: () => void): unknown
    on (event: string, listener: (...args: unknown[]) => void): this
  }
}
