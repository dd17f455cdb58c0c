import type { SourceConnector } from './source-connector.js'
import type { SourceItem } from './source-records.js'
import type { SourceConfig } from './source-config.js'
import { readHrSnapshot, HR_SNAPSHOT_MEDIA_TYPES, type HrSnapshotFormat } from './hr-snapshot-reader.js'
import { SourceConfigInvalid, SourceUnavailable } from './errors.js'
import type { OutboundFetch } from '../net/outbound-fetch.js'
import { OutboundFailed, OutboundRefused } from '../net/outbound-errors.js'

interface HrPullConfig { url: string, bearer_token?: string, headers?: Record<string, string>, format?: HrSnapshotFormat, ca_pem?: string }

export interface HrPullLimits {
  /** For the whole pull, body included (default 15 minutes). */
  deadlineMs?: number
  /** Largest snapshot accepted, bytes (BEHORIG_IMPORT_LIMIT, as for uploads). */
  maxBytes: number
}

const DEFAULT_DEADLINE_MS = 15 * 60_000

/** Pull mode: GETs the snapshot from the source's HTTPS URL through the outbound guard and streams it through the same reader as uploads. */
export function hrUrlConnector (source: SourceConfig, outbound: Pick<OutboundFetch, 'open'>, limits: HrPullLimits): SourceConnector | undefined {
  const config = source.config as unknown as HrPullConfig
  if (source.kind !== 'hr' || !config.url) return undefined
  return {
    kind: 'hr',
    read: () => ({ items: fetchSnapshot(config, outbound, limits) })
  }
}

async function * fetchSnapshot (config: HrPullConfig, outbound: Pick<OutboundFetch, 'open'>, limits: HrPullLimits): AsyncGenerator<SourceItem> {
  try {
    const response = await outbound.open(config.url, {
      deadlineMs: limits.deadlineMs ?? DEFAULT_DEADLINE_MS,
      maxBytes: limits.maxBytes,
      headers: { ...config.headers, ...(config.bearer_token ? { authorization: `Bearer ${config.bearer_token}` } : {}) },
      followRedirects: true,
      ...(config.ca_pem ? { ca: config.ca_pem } : {})
    })
    const declared = (response.headers['content-type'] ?? '').split(';')[0]?.trim()
    const contentType = config.format ? HR_SNAPSHOT_MEDIA_TYPES[config.format] : (declared ?? '')
    yield * readHrSnapshot(response.body, contentType)
  } catch (error) {
    throw pullProblem(error, config.url)
  }
}

/** The guard's reason only: addresses and error codes stay in the server log. */
function pullProblem (error: unknown, url: string): unknown {
  if (!(error instanceof OutboundFailed)) return error
  const { origin, pathname } = new URL(url)
  const detail = `GET ${origin}${pathname} failed: ${error.reason}`
  // Refused by policy: waiting will not help, the URL (or what it redirects to) must change.
  if (error instanceof OutboundRefused) return SourceConfigInvalid({ detail, errors: [{ pointer: '/config/url', detail: error.reason }] })
  return SourceUnavailable(detail)
}
