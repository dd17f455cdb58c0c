import type { SecretBox } from '../crypto/secret-box.js'
import type { JobQueue } from '../jobs/job-queue.js'
import { Conflict } from '../http/errors.js'
import type { SourceRepository, StoredSource } from './repository.js'
import { parseSourceConfig, withTruthfulTls, type SourceConfig } from './source-config.js'
import type { OutboundPolicy } from '../net/outbound-policy.js'
import { configuredSecrets, mergeSecrets, redactSecrets, splitSecrets } from './source-secrets.js'
import type { SourceConnector } from './source-connector.js'
import { UnknownSource } from './source-errors.js'
import { sourceCreatedDetails, sourceUpdatedDetails } from './source-audit.js'
import { bindSecrets, sameDestination, secretDestination, usableSecrets } from './secret-destination.js'
import type { AuditActor } from '../audit/audit-event.js'

/** Changes made by the service itself rather than through the API (the demo seed, benchmarks). */
const SERVICE_ACTOR: AuditActor = { kind: 'system', component: 'behorig' }

export const SCHEDULED_SYNC_JOB = 'scheduled-sync'
const SECRETS_PURPOSE = 'source-secrets'

export interface SourceView extends SourceConfig {
  secrets_configured: string[]
  next_run_at: string | null
  created_at: string
  updated_at: string
}

export type ConnectorFactory = (organisation: string, source: SourceConfig, state: Record<string, unknown>) => SourceConnector | undefined

/** Registers sources, keeps their secrets sealed, and keeps pull schedules in the queue in step. */
export function sourceService (deps: {
  sources: SourceRepository,
  box: SecretBox,
  queue: JobQueue,
  connectorFor: ConnectorFactory
  /** The outbound guard's exception list: which directories may be read without TLS. */
  outbound: Pick<OutboundPolicy, 'excepts'>
}) {
  const scheduleKey = (organisation: string, id: string): string => `source:${organisation}:${id}`

  function seal (source: SourceConfig, secrets: Record<string, unknown>): string | null {
    return Object.keys(secrets).length ? deps.box.seal(bindSecrets(source, secrets), SECRETS_PURPOSE) : null
  }
  /** The stored secrets that may be sent where the stored config points (secret-destination.ts). */
  function openSecrets (stored: StoredSource): Record<string, unknown> {
    return stored.sealedSecrets ? usableSecrets(stored.source, JSON.parse(deps.box.open(stored.sealedSecrets, SECRETS_PURPOSE))) : {}
  }
  async function view (organisation: string, stored: StoredSource, secrets: Record<string, unknown>): Promise<SourceView> {
    const full = mergeSecrets(stored.source, secrets)
    const next = await deps.queue.nextRun(scheduleKey(organisation, stored.source.id))
    return { ...withTruthfulTls(redactSecrets(full)), secrets_configured: configuredSecrets(full), next_run_at: next ? next.toISOString() : null, created_at: stored.created_at, updated_at: stored.updated_at }
  }
  async function syncSchedule (organisation: string, source: SourceConfig): Promise<void> {
    if (source.schedule && source.kind !== 'scim') {
      await deps.queue.schedule(scheduleKey(organisation, source.id), source.schedule, SCHEDULED_SYNC_JOB, { organisation, source: source.id })
    } else {
      await deps.queue.unschedule(scheduleKey(organisation, source.id))
    }
  }
  async function load (organisation: string, id: string): Promise<StoredSource> {
    const stored = await deps.sources.find(organisation, id)
    if (!stored) throw UnknownSource(`No source "${id}" in ${organisation}`)
    return stored
  }

  return {
    async create (organisation: string, document: unknown, actor: AuditActor = SERVICE_ACTOR): Promise<SourceView> {
      const source = parseSourceConfig(document, deps.outbound)
      const { publicConfig, secrets } = splitSecrets(source)
      const audit = { actor, details: sourceCreatedDetails(publicConfig, Object.keys(secrets)) }
      if (!await deps.sources.insert(organisation, publicConfig, seal(publicConfig, secrets), audit)) {
        const scim = source.kind === 'scim' ? await deps.sources.findScim(organisation) : undefined
        // /scim/v2/{org} names no source: the organisation's one scim source takes every push.
        if (scim && scim.source.id !== source.id) {
          throw Conflict({ detail: `Organisation ${organisation} already has the scim source "${scim.source.id}"; an organisation pushes over SCIM to one source` })
        }
        throw Conflict({ detail: `Source "${source.id}" already exists; PUT …/sources/${source.id} replaces it` })
      }
      await syncSchedule(organisation, source)
      return view(organisation, await load(organisation, source.id), secrets)
    },

    /**
     * Replaces a source's config. Secret members left out keep their stored values while
     * the secrets' destination stays the same; a new destination clears those not sent again.
     */
    async replace (organisation: string, id: string, document: unknown, actor: AuditActor = SERVICE_ACTOR): Promise<SourceView> {
      const stored = await load(organisation, id)
      const source = parseSourceConfig({ ...(document as object), id }, deps.outbound)
      if (source.kind !== stored.source.kind) throw Conflict({ detail: 'A source cannot change kind; delete it and register a new one' })
      const { publicConfig, secrets } = splitSecrets(source)
      const before = openSecrets(stored)
      const moved = !sameDestination(secretDestination(stored.source), secretDestination(publicConfig))
      const kept = moved ? secrets : { ...before, ...secrets }
      const cleared = Object.keys(before).filter((name) => !(name in kept))
      const audit = { actor, details: sourceUpdatedDetails(stored.source, publicConfig, before, kept, cleared) }
      if (!await deps.sources.update(organisation, publicConfig, seal(publicConfig, kept), audit)) throw UnknownSource(`No source "${id}" in ${organisation}`)
      await syncSchedule(organisation, source)
      return view(organisation, await load(organisation, id), kept)
    },

    async get (organisation: string, id: string): Promise<SourceView> {
      const stored = await load(organisation, id)
      return view(organisation, stored, openSecrets(stored))
    },

    async list (organisation: string): Promise<SourceView[]> {
      return Promise.all((await deps.sources.list(organisation)).map((s) => view(organisation, s, openSecrets(s))))
    },

    async delete (organisation: string, id: string, actor: AuditActor = SERVICE_ACTOR): Promise<void> {
      if (!await deps.sources.delete(organisation, id, actor)) throw UnknownSource(`No source "${id}" in ${organisation}`)
      await deps.queue.unschedule(scheduleKey(organisation, id))
    },

    /** What the sync engine needs: safety settings and, for pulling sources, a connector with secrets opened. */
    async runtime (organisation: string, id: string) {
      const stored = await deps.sources.find(organisation, id)
      if (!stored) return undefined
      const full = mergeSecrets(stored.source, openSecrets(stored))
      return { kind: full.kind, maxEndPercent: full.safety.max_end_percent, connector: deps.connectorFor(organisation, full, stored.state) }
    },

    /** Re-arms every schedule (the in-process queue forgets them on restart; BullMQ upserts are idempotent). */
    async restoreSchedules (): Promise<void> {
      for (const { organisation, source } of await deps.sources.listScheduled()) await syncSchedule(organisation, source)
    }
  }
}

export type SourceService = ReturnType<typeof sourceService>
