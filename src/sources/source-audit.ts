import { contentHash } from '../catalog/catalog-hash.js'
import { canonicalJson } from '../crypto/canonical-json.js'
import type { SourceConfig } from './source-config.js'

/**
 * What the audit log keeps of a source: its public settings by digest and the names of
 * the settings a change touched, never a value of a secret member (those are compared
 * sealed-side only, by name). A digest lets a reviewer tell two configs apart without the
 * log holding URLs, DNs or filters it need not hold.
 */
export function sourceCreatedDetails (source: SourceConfig, secretNames: readonly string[]): Record<string, unknown> {
  return {
    source: source.id,
    kind: source.kind,
    schedule: source.schedule,
    safety: source.safety,
    config_digest: contentHash(source.config),
    secrets_configured: [...secretNames].sort()
  }
}

/**
 * Which settings changed, as JSON Pointers (`/schedule`, `/config/user_filter`); secrets by
 * name only, with those cleared because the change gave them a new destination.
 */
export function sourceUpdatedDetails (before: SourceConfig, after: SourceConfig, secretsBefore: Record<string, unknown>, secretsAfter: Record<string, unknown>, secretsCleared: readonly string[]): Record<string, unknown> {
  const changed: string[] = []
  if (before.schedule !== after.schedule) changed.push('/schedule')
  if (canonicalJson(before.safety) !== canonicalJson(after.safety)) changed.push('/safety')
  changed.push(...changedMembers(before.config, after.config))
  const secretsChanged = changedMembers(secretsBefore, secretsAfter).map((p) => p.slice('/config/'.length))
  return {
    source: after.id,
    kind: after.kind,
    changed: [...changed, ...secretsChanged.map((name) => `/config/${name}`)].sort(),
    secrets_changed: secretsChanged.sort(),
    secrets_cleared: [...secretsCleared].sort(),
    config_digest: contentHash(after.config)
  }
}

function changedMembers (before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...names]
    .filter((name) => canonicalJson(before[name] ?? null) !== canonicalJson(after[name] ?? null))
    .map((name) => `/config/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`)
}
