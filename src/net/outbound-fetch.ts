import { request } from 'node:https'
import type { IncomingMessage, IncomingHttpHeaders } from 'node:http'
import { Transform, type Readable } from 'node:stream'
import type { OutboundPolicy } from './outbound-policy.js'
import { OutboundFailed, OutboundRefused } from './outbound-errors.js'
import { isCertificateCode, networkReason } from './network-reasons.js'
import type { Logger } from '../log/logger.js'

/** At most this many redirects are followed, each checked as the first URL was. */
export const MAX_REDIRECTS = 3
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

export interface FetchOptions {
  /** For the whole fetch: connecting, every redirect and the entire body. */
  deadlineMs: number
  /** Largest body accepted, in bytes. */
  maxBytes: number
  headers?: Record<string, string>
  /** Extra trusted CA certificates, PEM. */
  ca?: string
  /** Follow redirects (https only, at most MAX_REDIRECTS). Off: a redirect is a failed fetch. */
  followRedirects?: boolean
}

export interface StreamedResponse {
  headers: IncomingHttpHeaders
  /** The body; it fails with OutboundFailed when the deadline passes or maxBytes is exceeded. */
  body: Readable
}

export interface OutboundFetch {
  /**
   * GETs a whole document over HTTPS and parses it with `parse` (a throw there is a failed
   * fetch, too). Concurrent calls with the same URL and options share one request.
   */
  get <T>(url: string, options: FetchOptions, parse: (body: Buffer) => T): Promise<T>
  /** GETs a document to stream over HTTPS (never shared: each call is its own request). */
  open (url: string, options: FetchOptions): Promise<StreamedResponse>
}

/**
 * HTTPS GETs through the outbound policy. Failures are OutboundFailed: `reason` for the
 * caller, the detail (addresses, error codes) logged here and nowhere else.
 */
export function outboundFetch (policy: OutboundPolicy, log?: Pick<Logger, 'warn'>): OutboundFetch {
  const inFlight = new Map<string, Promise<Buffer>>()
  const report = (url: string, failure: OutboundFailed): OutboundFailed => {
    log?.warn({ url: shown(url), reason: failure.reason, detail: failure.message }, 'outbound fetch failed')
    return failure
  }
  const logged = <T>(url: string, attempt: Promise<T>): Promise<T> => attempt.catch((error: unknown) => { throw report(url, asFailure(error, url)) })
  return {
    async get (url, options, parse) {
      const key = JSON.stringify([url, options])
      let body = inFlight.get(key)
      if (!body) {
        body = logged(url, fetchWhole(policy, url, options)).finally(() => inFlight.delete(key))
        inFlight.set(key, body)
      }
      const whole = await body
      try {
        return parse(whole)
      } catch (error) {
        throw report(url, new OutboundFailed('it did not send a usable document', `${shown(url)} sent a document that could not be read: ${(error as Error).message}`))
      }
    },
    async open (url, options) {
      const response = await logged(url, fetchStream(policy, url, options))
      response.body.on('error', (error) => { if (error instanceof OutboundFailed) report(url, error) })
      return response
    }
  }
}

async function fetchWhole (policy: OutboundPolicy, url: string, options: FetchOptions): Promise<Buffer> {
  const { headers, body } = await fetchStream(policy, url, options)
  const chunks: Buffer[] = []
  if (Number(headers['content-length']) > options.maxBytes) {
    body.destroy()
    throw tooLarge(url, options.maxBytes)
  }
  for await (const chunk of body) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function fetchStream (policy: OutboundPolicy, url: string, options: FetchOptions): Promise<StreamedResponse> {
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(new OutboundFailed(`it took longer than ${options.deadlineMs / 1000} s`, `${shown(url)} did not finish within ${options.deadlineMs} ms`)), options.deadlineMs)
  try {
    const response = await follow(policy, new URL(url), options, deadline.signal)
    const body = limited(response, url, options.maxBytes)
    const stop = (): void => { body.destroy(deadline.signal.reason as Error) }
    deadline.signal.addEventListener('abort', stop, { once: true })
    body.once('close', () => { clearTimeout(timer); deadline.signal.removeEventListener('abort', stop) })
    return { headers: response.headers, body }
  } catch (error) {
    clearTimeout(timer)
    throw deadline.signal.aborted ? deadline.signal.reason : error
  }
}

async function follow (policy: OutboundPolicy, start: URL, options: FetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  let url = start
  let headers = options.headers ?? {}
  for (let redirects = 0; ; redirects++) {
    checkUrl(policy, url)
    const response = await send(policy, url, headers, options.ca, signal)
    const status = response.statusCode ?? 0
    if (status === 200) return response
    response.resume()
    const location = response.headers.location
    if (!REDIRECT_STATUSES.has(status) || !options.followRedirects || location === undefined) {
      throw new OutboundFailed(`it answered ${status}`, `${shown(url.href)} answered ${status}`)
    }
    if (redirects === MAX_REDIRECTS) throw new OutboundRefused(`it redirected more than ${MAX_REDIRECTS} times`, `${shown(start.href)} redirected more than ${MAX_REDIRECTS} times`)
    const next = new URL(location, url)
    if (next.protocol !== 'https:') throw new OutboundRefused('it redirected to a URL that is not https', `${shown(url.href)} redirected to ${next.protocol}//${next.host}`)
    // Credentials were given for one origin (RFC 9110 §15.4: a client may drop them on redirect).
    if (next.origin !== url.origin) headers = {}
    url = next
  }
}

/** https only; a literal address is checked here, since Node connects to it without a lookup. */
function checkUrl (policy: OutboundPolicy, url: URL): void {
  if (url.protocol !== 'https:') throw new OutboundRefused('the URL is not https', `${url.protocol}//${url.host} is not https`)
  policy.checkHost(url.hostname)
}

function send (policy: OutboundPolicy, url: URL, headers: Record<string, string>, ca: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // agent false: a pooled socket is never shared with a request that did not go through the lookup.
    const req = request(url, { method: 'GET', headers, agent: false, lookup: policy.lookup, signal, ...(ca ? { ca } : {}) }, resolve)
    req.on('error', (error) => { reject(signal.aborted ? signal.reason : asFailure(error, url.href)) })
    req.end()
  })
}

function limited (response: IncomingMessage, url: string, maxBytes: number): Readable {
  let size = 0
  const counter = new Transform({
    transform (chunk: Buffer, _encoding, done) {
      size += chunk.length
      done(size > maxBytes ? tooLarge(url, maxBytes) : null, chunk)
    }
  })
  response.on('error', (error) => counter.destroy(asFailure(error, url)))
  counter.on('close', () => response.destroy())
  return response.pipe(counter)
}

function tooLarge (url: string, maxBytes: number): OutboundFailed {
  return new OutboundFailed(`it sent more than ${maxBytes} bytes`, `${shown(url)} sent more than ${maxBytes} bytes`)
}

function asFailure (error: unknown, url: string): OutboundFailed {
  if (error instanceof OutboundFailed) return error
  const code = (error as { code?: unknown } | null)?.code
  const detail = `${shown(url)} failed: ${error instanceof Error ? error.message : String(error)}`
  if (typeof code === 'string' && isCertificateCode(code)) return new OutboundFailed('its TLS certificate is not trusted', detail, { cause: error })
  const reason = typeof code === 'string' ? networkReason(code) : undefined
  return new OutboundFailed(reason ?? 'the connection failed', detail, { cause: error })
}

/** Origin and path only: a query may hold a key. */
function shown (url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return '(not a URL)'
  }
}
