import { request } from 'node:https'
import type { IncomingMessage } from 'node:http'
import type { SourceConnector } from './source-connector.js'
import type { SourceItem } from './source-records.js'
import type { SourceConfig } from './source-config.js'
import { readHrSnapshot, HR_SNAPSHOT_MEDIA_TYPES, type HrSnapshotFormat } from './hr-snapshot-reader.js'
import { SourceUnavailable } from '../sync/errors.js'

interface HrPullConfig { url: string, bearer_token?: string, headers?: Record<string, string>, format?: HrSnapshotFormat, ca_pem?: string }

/** Pull mode: GETs the snapshot from the source's HTTPS URL and streams it through the same reader as uploads. */
export function hrUrlConnector (source: SourceConfig, timeoutMs = 60_000): SourceConnector | undefined {
  const config = source.config as unknown as HrPullConfig
  if (source.kind !== 'hr' || !config.url) return undefined
  return {
    kind: 'hr',
    read: () => ({ items: fetchSnapshot(config, timeoutMs) })
  }
}

async function * fetchSnapshot (config: HrPullConfig, timeoutMs: number): AsyncGenerator<SourceItem> {
  const response = await get(config, timeoutMs)
  const declared = (response.headers['content-type'] ?? '').split(';')[0]?.trim()
  const contentType = config.format ? HR_SNAPSHOT_MEDIA_TYPES[config.format] : (declared ?? '')
  yield * readHrSnapshot(response, contentType)
}

function get (config: HrPullConfig, timeoutMs: number): Promise<IncomingMessage> {
  const url = new URL(config.url)
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      timeout: timeoutMs,
      headers: { ...config.headers, ...(config.bearer_token ? { authorization: `Bearer ${config.bearer_token}` } : {}) },
      ...(config.ca_pem ? { ca: config.ca_pem } : {})
    }, (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        reject(SourceUnavailable(`GET ${url.origin}${url.pathname} answered ${res.statusCode}`))
      } else resolve(res)
    })
    req.on('timeout', () => req.destroy(SourceUnavailable(`GET ${url.origin}${url.pathname} timed out after ${timeoutMs} ms`)))
    req.on('error', (err) => reject(err instanceof Error && 'definition' in err ? err : SourceUnavailable(`GET ${url.origin}${url.pathname} failed: ${err.message}`)))
    req.end()
  })
}
