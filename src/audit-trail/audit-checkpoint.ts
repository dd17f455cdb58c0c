import type { KeyService } from '../keys/service.js'
import type { AuditRepository, ChainHead, StoredCheckpoint } from './repository.js'

export const AUDIT_CHECKPOINT_JOB = 'audit.checkpoint'
/** The JWS `typ` of a checkpoint; verifiers check it so no other behorig token passes for one. */
export const CHECKPOINT_TYP = 'audit-checkpoint+jwt'

export interface CheckpointDeps {
  audit: Pick<AuditRepository, 'chainHeads' | 'latestCheckpoint' | 'insertCheckpoint'>
  keys: Pick<KeyService, 'currentSigner' | 'jwks'>
  issuer: string
  now?: () => Date
}

/** The claims a checkpoint signs: every non-empty chain's latest sequence number and hash. */
export interface CheckpointClaims { iss: string, iat: number, chains: ChainHead[] }

/**
 * Signs every chain's head with the service key and stores the JWS with the public key
 * that verifies it. Writes nothing when no chain moved since the last checkpoint.
 */
export async function writeCheckpoint (deps: CheckpointDeps): Promise<StoredCheckpoint | undefined> {
  const chains = await deps.audit.chainHeads()
  if (chains.length === 0) return undefined
  const last = await deps.audit.latestCheckpoint()
  if (last && sameHeads(last.chains, chains)) return undefined
  const signer = await deps.keys.currentSigner()
  const publicJwk = (await deps.keys.jwks()).keys.find((k) => k.kid === signer.kid)
  if (!publicJwk) throw new Error(`the active signing key ${signer.kid} is not published`)
  const claims: CheckpointClaims = { iss: deps.issuer, iat: Math.floor((deps.now?.() ?? new Date()).getTime() / 1000), chains }
  const checkpoint = signer.sign({ typ: CHECKPOINT_TYP }, { ...claims })
  return deps.audit.insertCheckpoint({ chains, checkpoint, kid: signer.kid, public_jwk: publicJwk })
}

function sameHeads (before: ChainHead[], now: ChainHead[]): boolean {
  const seen = new Map(before.map((c) => [c.chain, Number(c.seq)]))
  return now.every((c) => seen.get(c.chain) === c.seq)
}
